package dev.shardline.retry;

import dev.shardline.api.ShardlineException;

/**
 * The thread was interrupted while waiting (to retry, for a response, for buffer space). Unchecked
 * stand-in for {@link InterruptedException}, as in Kafka: creating one sets the thread's interrupt
 * flag again, so code further up still sees that it must stop. Not retriable.
 *
 * <pre>{@code
 * try {
 *   time.sleep(delay);
 * } catch (InterruptedException e) {
 *   throw new InterruptException("Interrupted while waiting to retry ListShards", e);
 * }
 * }</pre>
 */
public class InterruptException extends ShardlineException {
  private static final long serialVersionUID = 1L;

  /** Restores the current thread's interrupt flag. */
  public InterruptException(String message, InterruptedException cause) {
    super(message, cause);
    Thread.currentThread().interrupt();
  }

  /**
   * Restores the current thread's interrupt flag; {@code cause} is what reported the interrupt,
   * such as an {@link java.io.InterruptedIOException} or an exception wrapping an {@link
   * InterruptedException}.
   */
  public InterruptException(String message, Throwable cause) {
    super(message, cause);
    Thread.currentThread().interrupt();
  }

  /** Restores the current thread's interrupt flag. */
  public InterruptException(String message) {
    super(message);
    Thread.currentThread().interrupt();
  }
}
