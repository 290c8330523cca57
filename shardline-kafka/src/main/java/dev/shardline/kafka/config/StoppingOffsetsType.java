package dev.shardline.kafka.config;

/**
 * Where a Kafka source stops reading each partition (option {@code stoppingOffsets.type}). With a
 * type other than {@link #NONE} the source is bounded: the stopping offsets are resolved once, when
 * the source first starts, and kept in its checkpoints, so a restore ends at the same place; each
 * partition is read up to (excluding) its stopping offset; only the partitions of that first
 * listing are read (as in Flink, partitions and topics created later are not); and the pipeline
 * ends by itself once every partition reached its stopping offset.
 */
public enum StoppingOffsetsType {
  /** Never stop: the source is unbounded. */
  NONE,
  /**
   * The end of each partition when the source first starts (with {@code read-committed}: its last
   * stable offset, so open transactions are not waited for).
   */
  LATEST,
  /**
   * The first record whose timestamp is at or after {@code stoppingOffsets.timestamp} (that record
   * is not read); the end of the partition, when the source first starts, when there is none.
   */
  TIMESTAMP
}
