package dev.shardline.api;

/**
 * The root of every error Shardline throws. Unchecked: callers catch what they can act on.
 *
 * <p>Whether an error may be retried is in its type: {@link RetriableException} and its subclasses
 * may succeed when tried again (throttling, a timeout, a server restarting); any other {@code
 * ShardlineException} will not. Messages say what happened, to what (stream, shard, offset), and
 * what to do about it.
 */
public class ShardlineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ShardlineException(String message) {
    super(message);
  }

  public ShardlineException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * For subclasses whose instances are values made in bulk (one per failed record of a batch, one
   * per throttled call): {@code writableStackTrace} false skips filling in a stack trace, which
   * costs more than the rest of the exception; the cause, if any, keeps its own.
   */
  protected ShardlineException(
      String message, Throwable cause, boolean enableSuppression, boolean writableStackTrace) {
    super(message, cause, enableSuppression, writableStackTrace);
  }

  /**
   * The first {@code type} in {@code error}'s cause chain ({@code error} itself included), or
   * {@code null}. Suppressed exceptions are not looked at: they are what went wrong while cleaning
   * up after the error, not why it happened.
   */
  public static <T extends Throwable> T findCause(Throwable error, Class<T> type) {
    Throwable t = error;
    for (int depth = 0; t != null && depth < 64; depth++, t = t.getCause()) { // bounds a cycle
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
