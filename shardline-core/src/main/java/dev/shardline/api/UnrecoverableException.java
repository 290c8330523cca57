package dev.shardline.api;

/**
 * An error that neither a retry nor a restart from the last checkpoint can fix: a stream or topic
 * that does not exist, a path that cannot be written, a poison record under the {@code fail}
 * bad-data policy, credentials that are refused. The embedded runner fails the pipeline at once
 * when a failure's cause chain holds one (no restart loop), and its message becomes the run's last
 * line, so it must say what is wrong, where (option key, stream, shard, offset, path) and how to
 * fix it.
 *
 * <p>Connectors throw it (or wrap a cause in it) only when they know that trying again cannot help;
 * an error of unknown kind stays a plain {@link ShardlineException} and is restarted as the restart
 * policy allows.
 */
public class UnrecoverableException extends ShardlineException {
  private static final long serialVersionUID = 1L;

  public UnrecoverableException(String message) {
    super(message);
  }

  public UnrecoverableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * For subclasses whose instances are values made in bulk (one per failed record of a batch, one
   * per throttled call): {@code writableStackTrace} false skips filling in a stack trace, which
   * costs more than the rest of the exception; the cause, if any, keeps its own.
   */
  protected UnrecoverableException(
      String message, Throwable cause, boolean enableSuppression, boolean writableStackTrace) {
    super(message, cause, enableSuppression, writableStackTrace);
  }

  /**
   * The first {@code UnrecoverableException} in {@code error}'s cause chain ({@code error} itself
   * included), or {@code null} when there is none. Suppressed exceptions are not looked at: they
   * are what went wrong while cleaning up after the error, not why it happened.
   */
  public static UnrecoverableException findIn(Throwable error) {
    return findCause(error, UnrecoverableException.class);
  }
}
