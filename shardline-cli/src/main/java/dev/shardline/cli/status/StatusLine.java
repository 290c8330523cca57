package dev.shardline.cli.status;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@link PipelineStatus} as one line, rates computed against the previous status:
 *
 * <pre>
 * orders-to-kafka | ok | in 1,204/s out 1,198/s | total 45,120 in, 45,101 out, 8 dropped, 0 dead-lettered | behind: kinesis:orders 0.4s | checkpoint 12, 3s ago | throttled 0
 * </pre>
 *
 * Not thread-safe: one per reporter.
 */
public final class StatusLine {
  private final String pipeline;
  private PipelineStatus previous;
  private long previousNanos;

  public StatusLine(String pipeline) {
    this.pipeline = pipeline;
  }

  /** The line for {@code status}, taken at {@code nanos} ({@link System#nanoTime()}). */
  public String render(PipelineStatus status, long nanos) {
    double seconds = previous == null ? 0 : (nanos - previousNanos) / 1e9;
    double inRate = seconds <= 0 ? 0 : (status.recordsIn() - previous.recordsIn()) / seconds;
    double outRate = seconds <= 0 ? 0 : (status.recordsOut() - previous.recordsOut()) / seconds;
    previous = status;
    previousNanos = nanos;
    StringBuilder line = new StringBuilder(pipeline);
    if (status.health() != null) {
      line.append(" | ").append(status.health());
    }
    line.append(" | in ")
        .append(number(Math.round(inRate)))
        .append("/s out ")
        .append(number(Math.round(outRate)))
        .append("/s | total ")
        .append(number(status.recordsIn()))
        .append(" in, ")
        .append(number(status.recordsOut()))
        .append(" out, ")
        .append(number(status.dropped()))
        .append(" dropped, ")
        .append(number(status.deadLettered()))
        .append(" dead-lettered");
    if (!status.behindLatest().isEmpty()) {
      line.append(" | behind:");
      for (Map.Entry<String, Duration> e : status.behindLatest().entrySet()) {
        line.append(' ').append(e.getKey()).append(' ').append(duration(e.getValue()));
      }
    }
    line.append(" | checkpoint ");
    if (status.lastCheckpointId().isPresent()) {
      line.append(status.lastCheckpointId().getAsLong());
      if (status.lastCheckpointAge() != null) {
        line.append(", ").append(duration(status.lastCheckpointAge())).append(" ago");
      }
    } else {
      line.append("none yet");
    }
    line.append(" | throttled ").append(number(status.throttledCalls()));
    return line.toString();
  }

  static String number(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  static String duration(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 10_000) {
      return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    long seconds = duration.toSeconds();
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 7200) {
      return seconds / 60 + "m";
    }
    return seconds / 3600 + "h";
  }
}
