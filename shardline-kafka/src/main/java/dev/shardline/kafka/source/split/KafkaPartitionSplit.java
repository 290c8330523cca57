package dev.shardline.kafka.source.split;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.SourceSplit;
import org.apache.kafka.common.TopicPartition;

/**
 * One Kafka partition as a unit of source work, with the offset of the next record to read: the
 * offset after the last record handed downstream, so restoring a checkpoint reads no record twice
 * and skips none. Before the first record, the offset is where the source was told to start, or
 * {@link #EARLIEST} when that is "the earliest record still in the log" (kept symbolic so that
 * retention deleting records before the first read does not make the start offset invalid).
 * Immutable.
 *
 * @param topic the topic
 * @param partition the partition number
 * @param nextOffset the offset to read next, 0 or more, or {@link #EARLIEST}
 */
public record KafkaPartitionSplit(String topic, int partition, long nextOffset)
    implements SourceSplit {

  /** Start at the earliest record the partition still holds. */
  public static final long EARLIEST = -2;

  public KafkaPartitionSplit {
    checkNotNull(topic, "topic");
    checkArgument(partition >= 0, "partition must be 0 or more, was " + partition);
    checkArgument(
        nextOffset >= 0 || nextOffset == EARLIEST,
        "nextOffset must be 0 or more, or EARLIEST (-2), was " + nextOffset);
  }

  /** A split of {@code topicPartition} starting at {@code nextOffset}. */
  public static KafkaPartitionSplit of(TopicPartition topicPartition, long nextOffset) {
    return new KafkaPartitionSplit(topicPartition.topic(), topicPartition.partition(), nextOffset);
  }

  /** The Kafka partition. */
  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }

  /** {@code <topic>-<partition>}, e.g. {@code orders-3}, as Kafka names partitions. */
  @Override
  public String splitId() {
    return topic + "-" + partition;
  }

  /** The same partition at another offset. */
  public KafkaPartitionSplit withNextOffset(long offset) {
    return new KafkaPartitionSplit(topic, partition, offset);
  }

  /** Whether the next offset is concrete, not {@link #EARLIEST}. */
  public boolean hasOffset() {
    return nextOffset >= 0;
  }

  @Override
  public String toString() {
    return splitId() + "@" + (hasOffset() ? Long.toString(nextOffset) : "earliest");
  }
}
