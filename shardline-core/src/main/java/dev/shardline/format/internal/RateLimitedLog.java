package dev.shardline.format.internal;

import dev.shardline.time.Time;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Logs at WARN at most once per interval; lines in between are counted and the next line that is
 * logged says how many were left out. So a flood of bad records costs one line per interval, not
 * one per record, and nobody is left unaware of the flood. Thread-safe.
 */
public final class RateLimitedLog {
  private final Logger log;
  private final Time time;
  private final long intervalNanos;
  private long lastLoggedNanos;
  private boolean loggedOnce;
  private long suppressed;

  public RateLimitedLog(Logger log, Time time, Duration interval) {
    this.log = log;
    this.time = time;
    this.intervalNanos = interval.toNanos();
  }

  /** Logs {@code message} (with {@code cause} when it is not null), unless the limit is reached. */
  public synchronized void warn(String message, Throwable cause) {
    long now = time.nanoseconds();
    if (loggedOnce && now - lastLoggedNanos < intervalNanos) {
      suppressed++;
      return;
    }
    String line =
        suppressed == 0
            ? message
            : message
                + " ("
                + suppressed
                + " more like this since the last message were not logged)";
    if (cause == null) {
      log.warn(line);
    } else {
      log.warn(line, cause);
    }
    loggedOnce = true;
    lastLoggedNanos = now;
    suppressed = 0;
  }
}
