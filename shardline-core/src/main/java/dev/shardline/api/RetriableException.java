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
}
