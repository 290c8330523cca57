package dev.shardline.cli.status;

import dev.shardline.runtime.status.StatusReport;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * A {@link StatusReport} as text for a terminal ({@code shardline status URL}): the same facts as
 * the status page, without the charts (their last values instead). Stateless.
 */
public final class StatusReportText {
  private StatusReportText() {}

  /** The report as lines of text, each ending with a newline. */
  public static String render(StatusReport r) {
    StringBuilder out = new StringBuilder();
    line(out, "Pipeline %s: %s, %s", r.pipeline(), r.state(), PipelineStatus.health(r));
    if (!r.healthDetail().isEmpty()
        && !r.health().equals("restarting")
        && !r.health().equals("failing")) {
      line(out, "  %s", r.healthDetail());
    }
    StringBuilder graph = new StringBuilder(r.graph().source().name());
    for (StatusReport.Node t : r.graph().transforms()) {
      graph.append(" -> ").append(t.name());
    }
    graph.append(" -> ");
    graph.append(
        String.join(", ", r.graph().sinks().stream().map(StatusReport.Node::name).toList()));
    line(out, "  graph:       %s", graph);
    StatusReport.Totals t = r.totals();
    line(
        out,
        "  records:     %s in, %s out (%s/s in, %s/s out), %s dropped, %s dead-lettered",
        number(t.recordsIn()),
        number(t.recordsOut()),
        number(Math.round(t.recordsInPerSecond())),
        number(Math.round(t.recordsOutPerSecond())),
        number(t.dropped()),
        number(t.deadLettered()));
    line(
        out,
        "  throttled:   %s calls; restarts: %s",
        number(t.throttledCalls()),
        number(t.restarts()));
    StatusReport.Checkpoints c = r.checkpoints();
    if (c.lastId() == null) {
      line(out, "  checkpoints: none completed yet, %s failed", number(c.failed()));
    } else {
      StatusReport.Checkpoint last = c.recent().get(c.recent().size() - 1);
      line(
          out,
          "  checkpoints: last %d, %s ago (took %d ms, %s bytes); %s completed, %s failed",
          c.lastId(),
          seconds(c.lastAgeSeconds()),
          last.durationMillis(),
          number(last.sizeBytes()),
          number(c.completed()),
          number(c.failed()));
    }
    if (!r.splits().isEmpty()) {
      line(out, "  splits:");
      line(
          out,
          "    %-28s %-28s %-8s %10s %10s %9s",
          "SOURCE",
          "SPLIT",
          "STATE",
          "LAG",
          "REC/S",
          "THROTTLED");
      for (StatusReport.Split s : r.splits()) {
        line(
            out,
            "    %-28s %-28s %-8s %10s %10s %9s",
            s.source(),
            s.split(),
            s.state(),
            s.lagMillis() == null ? "-" : seconds(s.lagMillis() / 1000),
            number(Math.round(s.recordsPerSecond())),
            number(s.throttledCalls()));
      }
    }
    List<StatusReport.Restart> restarts = r.restarts();
    if (!restarts.isEmpty()) {
      line(out, "  restarts (latest last):");
      for (StatusReport.Restart restart :
          restarts.subList(Math.max(0, restarts.size() - 5), restarts.size())) {
        line(
            out,
            "    %s  %s",
            Instant.ofEpochMilli(restart.atMillis()).truncatedTo(ChronoUnit.SECONDS),
            restart.cause());
      }
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  private static String number(long value) {
    return StatusLine.number(value);
  }

  private static String seconds(Double seconds) {
    return seconds == null
        ? "-"
        : StatusLine.duration(Duration.ofMillis(Math.round(seconds * 1000)));
  }
}
