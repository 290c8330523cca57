package dev.shardline.retry;

import dev.shardline.api.ShardlineException;
import java.time.Duration;

/**
 * A call kept failing with retriable errors until its {@link RetryPolicy} ran out of attempts or
 * time. The message says how many attempts over how long and what the last error was; the cause is
 * that last error. Not itself retriable: the policy already did the retrying. Immutable.
 *
 * <pre>{@code
 * catch (RetriesExhaustedException e) {
 *   log.error("Gave up after {} attempts over {}", e.attempts(), e.elapsed(), e.getCause());
 * }
 * }</pre>
 */
public class RetriesExhaustedException extends ShardlineException {
  private static final long serialVersionUID = 1L;

  private final int attempts;
  private final Duration elapsed;

  public RetriesExhaustedException(
      String message, int attempts, Duration elapsed, Throwable lastCause) {
    super(message, lastCause);
    this.attempts = attempts;
    this.elapsed = elapsed;
  }

  /** How many times the call was made. */
  public int attempts() {
    return attempts;
  }

  /** Time from the start of the first attempt to the end of the last. */
  public Duration elapsed() {
    return elapsed;
  }
}
