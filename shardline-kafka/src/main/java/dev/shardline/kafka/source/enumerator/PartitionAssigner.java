package dev.shardline.kafka.source.enumerator;

import static dev.shardline.util.Preconditions.checkArgument;

import org.apache.kafka.common.TopicPartition;

/**
 * Which reader owns a partition: by index. The partitions of one topic go round-robin over the
 * readers, starting at a reader chosen from the topic name, so that several topics with few
 * partitions do not all start at reader 0. Deterministic, so a restore at the same parallelism
 * assigns the same way; at another parallelism the restored partitions spread over the new readers
 * by the same rule. Stateless.
 */
public final class PartitionAssigner {
  private PartitionAssigner() {}

  /** The reader, 0 to {@code parallelism - 1}, that reads {@code partition}. */
  public static int ownerOf(TopicPartition partition, int parallelism) {
    checkArgument(parallelism >= 1, "parallelism must be 1 or more, was " + parallelism);
    int start = ((partition.topic().hashCode() * 31) & 0x7FFFFFFF) % parallelism;
    return (start + partition.partition()) % parallelism;
  }
}
