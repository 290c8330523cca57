package dev.shardline.cli.logging;

/** How much the command logs: {@code -v} once or twice raises it. */
public enum Verbosity {
  /** Shardline at INFO, libraries (AWS SDK, Kafka clients) at WARN. */
  NORMAL,
  /** {@code -v}: Shardline at DEBUG, libraries at INFO. */
  VERBOSE,
  /** {@code -vv}: everything at DEBUG, with stack traces. */
  DEBUG;

  /** The verbosity of {@code count} {@code -v} flags. */
  public static Verbosity of(int count) {
    return count <= 0 ? NORMAL : count == 1 ? VERBOSE : DEBUG;
  }
}
