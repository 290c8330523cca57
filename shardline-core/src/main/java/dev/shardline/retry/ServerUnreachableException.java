package dev.shardline.retry;

import dev.shardline.api.ShardlineException;
import java.time.Duration;

/**
 * A server gave no answer (connection refused or reset, no route, timeouts) for longer than the
 * connector's limit, reported by {@link ServerReachability}. The message names the server, for how
 * long, the last cause, and the options to check. Not retriable by the connector, and not {@link
 * dev.shardline.api.UnrecoverableException} either: a server that comes back is survived by the
 * runner's restart from the last checkpoint, as its restart policy allows.
 */
public class ServerUnreachableException extends ShardlineException {
  private static final long serialVersionUID = 1L;

  private final String server;
  private final Duration unreachableFor;

  public ServerUnreachableException(
      String message, String server, Duration unreachableFor, Throwable lastCause) {
    super(message, lastCause);
    this.server = server;
    this.unreachableFor = unreachableFor;
  }

  /** The server, as messages name it, e.g. {@code Kinesis at http://127.0.0.1:4567}. */
  public String server() {
    return server;
  }

  /** How long it had given no answer. */
  public Duration unreachableFor() {
    return unreachableFor;
  }

  /** The first {@code ServerUnreachableException} in {@code error}'s cause chain, or null. */
  public static ServerUnreachableException findIn(Throwable error) {
    return findCause(error, ServerUnreachableException.class);
  }
}
