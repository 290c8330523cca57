package dev.shardline.retry;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.time.Time;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one client's calls to one server and turns "no answer" into a clear story: a WARN at the
 * first call of an outage that got no answer ({@code Cannot reach Kinesis at http://127.0.0.1:4567:
 * connection refused; retrying for up to 30s}), an INFO when the server answers again, and, once
 * the outage has lasted {@code limit}, a {@link ServerUnreachableException} for the caller to fail
 * with, naming the server and what to check. Which failures are "no answer" (as opposed to an
 * answer that is an error, which ends an outage) is the connector's to say. Thread-safe: calls
 * complete on I/O threads.
 *
 * <pre>{@code
 * ServerReachability reach = new ServerReachability("Kinesis at " + endpoint, Duration.ofSeconds(30),
 *     "that Kinesis is up and awsRegion.endpoint is right", "unreachableTimeout", Time.SYSTEM);
 * call.whenComplete((answer, error) -> {
 *   if (error == null) reach.answered();
 *   else if (isNoAnswer(error)) { ServerUnreachableException e = reach.noAnswer(error); ... }
 * });
 * }</pre>
 */
public final class ServerReachability {
  /**
   * The outage every connector tolerates unless told otherwise (their {@code unreachableTimeout}
   * options): 30 s, long enough for a broker or endpoint restart, short enough that a pipeline
   * pointed at the wrong address fails within minutes.
   */
  public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(ServerReachability.class);
  private static final long NONE = Long.MIN_VALUE;

  private final String server;
  private final Duration limit;
  private final String check;
  private final String limitOption;
  private final Time time;
  private volatile long outageStartNanos = NONE;
  private volatile boolean stopped;
  private int failedCalls;

  /**
   * @param server the server as messages name it, e.g. {@code Kinesis at http://127.0.0.1:4567}
   * @param limit how long an outage may last before calls fail for good
   * @param check what to check, e.g. {@code that the brokers are up and bootstrapServers is right}
   * @param limitOption the option that sets {@code limit}, named in messages
   */
  public ServerReachability(
      String server, Duration limit, String check, String limitOption, Time time) {
    this.server = checkNotNull(server, "server");
    this.limit = checkNotNull(limit, "limit");
    checkArgument(!limit.isNegative() && !limit.isZero(), "limit must be positive");
    this.check = checkNotNull(check, "check");
    this.limitOption = checkNotNull(limitOption, "limitOption");
    this.time = checkNotNull(time, "time");
  }

  /** The server answered (a result or an error of its own): an outage, if any, is over. */
  public void answered() {
    if (outageStartNanos == NONE || stopped) {
      return; // the common case: no lock
    }
    synchronized (this) {
      if (outageStartNanos == NONE) {
        return;
      }
      LOG.info(
          "{} answers again after {} ({} calls got no answer)",
          server,
          RetryExecutor.human(Duration.ofNanos(time.nanoseconds() - outageStartNanos)),
          failedCalls);
      outageStartNanos = NONE;
      failedCalls = 0;
    }
  }

  /**
   * A call got no answer.
   *
   * @return null while the outage is within the limit (the caller retries as usual); once it has
   *     lasted the limit, the error to fail with, {@code cause} being its cause
   */
  public synchronized ServerUnreachableException noAnswer(Throwable cause) {
    if (stopped) {
      return null; // calls cut off by closing the client are no outage
    }
    long now = time.nanoseconds();
    failedCalls++;
    if (outageStartNanos == NONE) {
      outageStartNanos = now;
      LOG.warn(
          "Cannot reach {}: {}; retrying for up to {} ({})",
          server,
          describe(cause),
          RetryExecutor.human(limit),
          limitOption);
      return null;
    }
    Duration lasted = Duration.ofNanos(now - outageStartNanos);
    if (lasted.compareTo(limit) < 0) {
      return null;
    }
    return new ServerUnreachableException(
        "Cannot reach "
            + server
            + ": no answer for "
            + RetryExecutor.human(lasted)
            + " ("
            + failedCalls
            + " calls; last error: "
            + describe(cause)
            + "). Check "
            + check
            + "; "
            + limitOption
            + " (now "
            + RetryExecutor.human(limit)
            + ") is how long an outage is waited out",
        server,
        lasted,
        cause);
  }

  /**
   * Stops watching: called when the client closes, as the calls it cuts off ("connection closed")
   * say nothing about the server. Later reports are ignored.
   */
  public void stop() {
    stopped = true;
  }

  /** Whether an outage is going on: a call got no answer and none has answered since. */
  public boolean inOutage() {
    return outageStartNanos != NONE;
  }

  /**
   * The deepest message of {@code error}'s cause chain, in lower case when it is a plain phrase
   * ({@code connection refused}), else its type and message: what went wrong on the wire, without
   * the wrappers' prefixes ({@code Unable to execute HTTP request: ...}).
   */
  static String describe(Throwable error) {
    Throwable deepest = error;
    for (int depth = 0; deepest.getCause() != null && deepest.getCause() != deepest; depth++) {
      if (depth > 32) {
        break;
      }
      deepest = deepest.getCause();
    }
    String message = deepest.getMessage();
    if (message == null || message.isBlank()) {
      return deepest.getClass().getSimpleName();
    }
    // Netty's "Connection refused: /127.0.0.1:4567" repeats the address the message names, and
    // the SDK's messages go on with advice after their first sentence
    int colon = message.indexOf(": /");
    String phrase = colon > 0 ? message.substring(0, colon) : message;
    int sentence = phrase.indexOf(". ");
    phrase = sentence > 0 ? phrase.substring(0, sentence) : phrase;
    return phrase.length() > 1
            && Character.isUpperCase(phrase.charAt(0))
            && !Character.isUpperCase(phrase.charAt(1))
        ? Character.toLowerCase(phrase.charAt(0)) + phrase.substring(1)
        : phrase;
  }
}
