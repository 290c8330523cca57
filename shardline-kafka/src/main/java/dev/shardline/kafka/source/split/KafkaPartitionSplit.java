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
 *
 * <p>A bounded source's split also carries its stopping offset, resolved when the source first
 * started: the partition is read up to it (the record at the stopping offset is not read) and is
 * then finished. {@link #NO_STOPPING_OFFSET} for an unbounded source. Immutable.
 *
 * @param topic the topic
 * @param partition the partition number
 * @param nextOffset the offset to read next, 0 or more, or {@link #EARLIEST}
 * @param stoppingOffset the first offset not to read, 0 or more, or {@link #NO_STOPPING_OFFSET}
 */
public record KafkaPartitionSplit(String topic, int partition, long nextOffset, long stoppingOffset)
    implements SourceSplit {

  /** Start at the earliest record the partition still holds. */
  public static final long EARLIEST = -2;

  /** The partition is read without end (an unbounded source). */
  public static final long NO_STOPPING_OFFSET = Long.MIN_VALUE;

  public KafkaPartitionSplit {
    checkNotNull(topic, "topic");
    checkArgument(partition >= 0, "partition must be 0 or more, was " + partition);
    checkArgument(
        nextOffset >= 0 || nextOffset == EARLIEST,
        "nextOffset must be 0 or more, or EARLIEST (-2), was " + nextOffset);
    checkArgument(
        stoppingOffset >= 0 || stoppingOffset == NO_STOPPING_OFFSET,
        "stoppingOffset must be 0 or more, or NO_STOPPING_OFFSET, was " + stoppingOffset);
  }

  /** An unbounded split of {@code topic}-{@code partition} starting at {@code nextOffset}. */
  public KafkaPartitionSplit(String topic, int partition, long nextOffset) {
    this(topic, partition, nextOffset, NO_STOPPING_OFFSET);
  }

  /** An unbounded split of {@code topicPartition} starting at {@code nextOffset}. */
  public static KafkaPartitionSplit of(TopicPartition topicPartition, long nextOffset) {
    return new KafkaPartitionSplit(topicPartition.topic(), topicPartition.partition(), nextOffset);
  }

  /**
   * A split of {@code topicPartition} read from {@code nextOffset} up to {@code stoppingOffset}.
   */
  public static KafkaPartitionSplit of(
      TopicPartition topicPartition, long nextOffset, long stoppingOffset) {
    return new KafkaPartitionSplit(
        topicPartition.topic(), topicPartition.partition(), nextOffset, stoppingOffset);
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

  /** The same partition at another offset (and the same stopping offset). */
  public KafkaPartitionSplit withNextOffset(long offset) {
    return new KafkaPartitionSplit(topic, partition, offset, stoppingOffset);
  }

  /** The same partition and position, without a stopping offset. */
  public KafkaPartitionSplit withoutStoppingOffset() {
    return new KafkaPartitionSplit(topic, partition, nextOffset, NO_STOPPING_OFFSET);
  }

  /** Whether the next offset is concrete, not {@link #EARLIEST}. */
  public boolean hasOffset() {
    return nextOffset >= 0;
  }

  /** Whether the split has a stopping offset (it belongs to a bounded source). */
  public boolean hasStoppingOffset() {
    return stoppingOffset != NO_STOPPING_OFFSET;
  }

  /**
   * Whether the split is known to be read to its end without reading Kafka: its next offset is at
   * or past its stopping offset, or the stopping offset is 0. (A split starting at {@link
   * #EARLIEST} of a partition whose records were all deleted is found finished only by the
   * consumer's position.)
   */
  public boolean isFinished() {
    return hasStoppingOffset() && (stoppingOffset == 0 || nextOffset >= stoppingOffset);
  }

  @Override
  public String toString() {
    return splitId()
        + "@"
        + (hasOffset() ? Long.toString(nextOffset) : "earliest")
        + (hasStoppingOffset() ? "..." + stoppingOffset : "");
  }
}
