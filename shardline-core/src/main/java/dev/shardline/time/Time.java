package dev.shardline.time;

/**
 * The clock and sleeper every component takes instead of calling {@link System} directly, so tests
 * can use a manual clock and never sleep. {@link #SYSTEM} is the real one. Implementations are
 * thread-safe.
 */
public interface Time {

  /** The real clock. */
  Time SYSTEM = new SystemTime();

  /** Wall-clock milliseconds since the epoch. */
  long milliseconds();

  /** A monotonic nanosecond counter, only for measuring intervals. */
  long nanoseconds();

  /** Sleeps for {@code millis}; a manual clock advances instead. */
  void sleep(long millis) throws InterruptedException;
}
