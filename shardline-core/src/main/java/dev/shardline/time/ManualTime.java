package dev.shardline.time;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Time} that only moves when told to: {@link #sleep} and {@link #advance} move it forward
 * at once. For tests of anything time-driven (pacing, backoff, flush by age) without real sleeps.
 * Thread-safe.
 *
 * <pre>{@code
 * ManualTime time = new ManualTime();
 * time.advance(Duration.ofSeconds(1));
 * }</pre>
 */
public final class ManualTime implements Time {
  private final AtomicLong nanos = new AtomicLong();
  private final long epochMillisAtZero;

  /** Starts at 2026-01-01T00:00:00Z wall-clock time and nanosecond counter 0. */
  public ManualTime() {
    this(1_767_225_600_000L);
  }

  /** Starts at the given wall-clock time and nanosecond counter 0. */
  public ManualTime(long epochMillis) {
    this.epochMillisAtZero = epochMillis;
  }

  @Override
  public long milliseconds() {
    return epochMillisAtZero + nanos.get() / 1_000_000L;
  }

  @Override
  public long nanoseconds() {
    return nanos.get();
  }

  @Override
  public void sleep(long millis) {
    advance(Duration.ofMillis(millis));
  }

  /** Moves time forward. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("Time cannot go back: " + duration);
    }
    nanos.addAndGet(duration.toNanos());
  }
}
