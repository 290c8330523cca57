package dev.shardline.kafka.config;

/**
 * Where a Kafka source starts reading a partition it has no checkpointed offset for, at the first
 * start of a pipeline (option {@code startingOffsets.type}). Partitions discovered later, while the
 * pipeline runs, always start at the earliest offset, so nothing written to them is missed.
 */
public enum StartingOffsetsType {
  /** The earliest offset still in the log. */
  EARLIEST,
  /** The end of the log when the partition is first listed: only records written later. */
  LATEST,
  /**
   * The first record whose timestamp is at or after {@code startingOffsets.timestamp}; the end of
   * the log when there is none.
   */
  TIMESTAMP,
  /**
   * The consumer group's committed offset ({@code groupId}); {@code startingOffsets.resetTo} where
   * the group has none.
   */
  COMMITTED
}
