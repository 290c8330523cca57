package dev.shardline.api;

/**
 * An error that may go away when the same operation is tried again: throttling, a timeout, a server
 * that is restarting. Retry policies retry these and only these.
 */
public class RetriableException extends ShardlineException {
  private static final long serialVersionUID = 1L;

  public RetriableException(String message) {
    super(message);
  }

  public RetriableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * For subclasses whose instances are values made in bulk (one per failed record of a batch, one
   * per throttled call): {@code writableStackTrace} false skips filling in a stack trace, which
   * costs more than the rest of the exception; the cause, if any, keeps its own.
   */
  protected RetriableException(
      String message, Throwable cause, boolean enableSuppression, boolean writableStackTrace) {
    super(message, cause, enableSuppression, writableStackTrace);
  }
}
