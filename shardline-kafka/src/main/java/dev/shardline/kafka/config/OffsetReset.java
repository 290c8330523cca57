package dev.shardline.kafka.config;

/**
 * Where to start a partition that has no committed group offset (option {@code
 * startingOffsets.resetTo}).
 */
public enum OffsetReset {
  /** The earliest offset still in the log. */
  EARLIEST,
  /** The end of the log. */
  LATEST
}
