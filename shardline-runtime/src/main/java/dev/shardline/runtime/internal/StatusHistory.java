package dev.shardline.runtime.internal;

import dev.shardline.metrics.MetricNames;
import dev.shardline.metrics.MetricTags;
import dev.shardline.runtime.status.PipelineState;
import dev.shardline.runtime.status.StatusReport;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The last {@value #SAMPLES} seconds of a pipeline, sampled from its meters once a second ({@link
 * #sample()}), and the {@link StatusReport} made from them ({@link #report()}): the in-memory model
 * behind the status page. Thread-safe (one lock; a sample takes microseconds per split).
 *
 * <p>Health, first rule that holds: {@code failing} (the pipeline failed, or no checkpoint
 * completed for three intervals plus a minute while running), {@code restarting} (waiting to
 * restart, or restarted and no checkpoint completed since), {@code lagging} (a split more than
 * {@value #LAGGING_MILLIS} ms behind the newest record), {@code throttled} (calls refused for a
 * quota in the last minute), else {@code ok}.
 */
public final class StatusHistory {
  /** Samples kept: 15 minutes at one a second. */
  public static final int SAMPLES = 900;

  /** A split further behind than this makes the pipeline {@code lagging}. */
  public static final long LAGGING_MILLIS = 30_000;

  private static final long RECENT_MILLIS = 60_000;

  private final PipelineMetrics metrics;
  private final Time time;
  private final Duration checkpointInterval;
  private final Supplier<PipelineState> state;
  private final StatusReport.Graph graph;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private final Map<String, SplitKey> splits = new LinkedHashMap<>();
  // splits whose meters went while the pipeline ran: read to their end, whatever comes after
  private final java.util.Set<String> ended = new java.util.HashSet<>();

  /** One split's meters read at one sample; NaN where absent. */
  private record SplitReading(double lagMillis, double records, double throttled) {}

  private record SplitKey(String source, String split) {}

  /** A split's values in one sample. */
  private record SplitPoint(Double lagMillis, double recordsPerSecond, double throttledPerSecond) {}

  private record Sample(
      long atMillis,
      long nanos,
      long in,
      long out,
      double inRate,
      double outRate,
      double throttled,
      Double checkpointAge,
      Map<String, SplitReading> readings,
      Map<String, SplitPoint> points) {}

  public StatusHistory(
      PipelineMetrics metrics,
      Time time,
      Duration checkpointInterval,
      Supplier<PipelineState> state,
      StatusReport.Graph graph) {
    this.metrics = metrics;
    this.time = time;
    this.checkpointInterval = checkpointInterval;
    this.state = state;
    this.graph = graph;
  }

  /**
   * Reads the meters now and keeps the sample (the oldest goes once there are {@value #SAMPLES}).
   */
  public synchronized void sample() {
    long nanos = time.nanoseconds();
    long in = 0;
    long out = 0;
    for (int i = 0; i < metrics.parallelism(); i++) {
      in += metrics.worker(i).recordsIn();
      out += metrics.worker(i).recordsOut();
    }
    Map<String, SplitReading> readings = readSplits(metrics.registry());
    Sample previous = samples.peekLast();
    double seconds = previous == null ? 0 : (nanos - previous.nanos()) / 1e9;
    Map<String, SplitPoint> points = new HashMap<>();
    for (Map.Entry<String, SplitReading> e : readings.entrySet()) {
      SplitReading now = e.getValue();
      SplitReading before = previous == null ? null : previous.readings().get(e.getKey());
      points.put(
          e.getKey(),
          new SplitPoint(
              // negative: the source does not know yet (Kinesis before its first answer)
              Double.isNaN(now.lagMillis()) || now.lagMillis() < 0 ? null : now.lagMillis(),
              rate(now.records(), before == null ? Double.NaN : before.records(), seconds),
              rate(now.throttled(), before == null ? Double.NaN : before.throttled(), seconds)));
    }
    if (state.get() == PipelineState.RUNNING || state.get() == PipelineState.FINISHED) {
      for (String key : splits.keySet()) {
        if (readings.containsKey(key)) {
          ended.remove(key);
        } else {
          ended.add(key);
        }
      }
    } else {
      ended.removeIf(readings::containsKey);
    }
    double age = metrics.secondsSinceLastCheckpoint();
    samples.addLast(
        new Sample(
            time.milliseconds(),
            nanos,
            in,
            out,
            previous == null ? 0 : rate(in, previous.in(), seconds),
            previous == null ? 0 : rate(out, previous.out(), seconds),
            throttledTotal(metrics.registry(), metrics.pipeline()),
            Double.isNaN(age) ? null : age,
            readings,
            points));
    if (samples.size() > SAMPLES) {
      samples.removeFirst();
    }
  }

  /** The rate between two readings of a count; a count that fell (meters of a restart) from 0. */
  private static double rate(double now, double before, double seconds) {
    if (seconds <= 0 || Double.isNaN(now)) {
      return 0;
    }
    double delta = Double.isNaN(before) || now < before ? now : now - before;
    return delta / seconds;
  }

  private Map<String, SplitReading> readSplits(MeterRegistry registry) {
    Map<String, Double> lag = new HashMap<>();
    Map<String, Double> records = new HashMap<>();
    Map<String, Double> throttled = new HashMap<>();
    for (Meter meter : registry.getMeters()) {
      String split = meter.getId().getTag(MetricTags.SPLIT);
      if (split == null || !metrics.pipeline().equals(meter.getId().getTag("pipeline"))) {
        continue;
      }
      String source = meter.getId().getTag(MetricTags.SOURCE);
      String key = key(source == null ? "source" : source, split);
      String name = meter.getId().getName();
      if (name.equals(MetricNames.SOURCE_LAG_MILLIS) && meter instanceof Gauge gauge) {
        lag.merge(key, gauge.value(), Math::max);
      } else if (name.equals(MetricNames.SOURCE_RECORDS)) {
        records.merge(key, PipelineMetrics.count(meter), Double::sum);
      } else if (name.contains("throttled")) {
        throttled.merge(key, PipelineMetrics.count(meter), Double::sum);
      } else {
        continue;
      }
      splits.putIfAbsent(key, new SplitKey(source == null ? "source" : source, split));
    }
    Map<String, SplitReading> readings = new HashMap<>();
    for (String key : union(lag.keySet(), records.keySet(), throttled.keySet())) {
      readings.put(
          key,
          new SplitReading(
              lag.getOrDefault(key, Double.NaN),
              records.getOrDefault(key, Double.NaN),
              throttled.getOrDefault(key, 0.0)));
    }
    return readings;
  }

  @SafeVarargs
  private static List<String> union(java.util.Set<String>... sets) {
    java.util.Set<String> all = new java.util.LinkedHashSet<>();
    for (java.util.Set<String> set : sets) {
      all.addAll(set);
    }
    return List.copyOf(all);
  }

  private static String key(String source, String split) {
    return source + "\u0000" + split;
  }

  /** Calls refused for a quota, by any connector of the pipeline (this attempt's meters). */
  static double throttledTotal(MeterRegistry registry, String pipeline) {
    double total = 0;
    for (Meter meter : registry.getMeters()) {
      if (meter.getId().getName().contains("throttled")
          && pipeline.equals(meter.getId().getTag("pipeline"))) {
        total += PipelineMetrics.count(meter);
      }
    }
    return total;
  }

  /** The report now, from the samples so far and the pipeline's totals. */
  public StatusReport report() {
    return report(true);
  }

  /**
   * The report now; without {@code series} its series are empty (the global ones and each split's),
   * which makes it cheap to take often: what a status line needs.
   */
  public synchronized StatusReport report(boolean series) {
    PipelineState now = state.get();
    long nowMillis = time.milliseconds();
    List<Sample> all = List.copyOf(samples);
    Sample last = all.isEmpty() ? null : all.get(all.size() - 1);
    List<Sample> list = series ? all : List.of();

    List<Long> times = new ArrayList<>(list.size());
    List<Double> inRates = new ArrayList<>(list.size());
    List<Double> outRates = new ArrayList<>(list.size());
    List<Double> ages = new ArrayList<>(list.size());
    for (Sample s : list) {
      times.add(s.atMillis());
      inRates.add(s.inRate());
      outRates.add(s.outRate());
      ages.add(s.checkpointAge());
    }

    List<StatusReport.Split> splitReports = new ArrayList<>();
    for (Map.Entry<String, SplitKey> e : splits.entrySet()) {
      String key = e.getKey();
      List<Double> lags = new ArrayList<>(list.size());
      List<Double> rates = new ArrayList<>(list.size());
      List<Double> throttles = new ArrayList<>(list.size());
      for (Sample s : list) {
        SplitPoint p = s.points().get(key);
        lags.add(p == null ? null : p.lagMillis());
        rates.add(p == null ? null : p.recordsPerSecond());
        throttles.add(p == null ? null : p.throttledPerSecond());
      }
      SplitPoint current = last == null ? null : last.points().get(key);
      SplitReading reading = last == null ? null : last.readings().get(key);
      splitReports.add(
          new StatusReport.Split(
              e.getValue().source(),
              e.getValue().split(),
              splitState(current != null, ended.contains(key), now),
              current == null ? null : current.lagMillis(),
              current == null ? 0 : current.recordsPerSecond(),
              reading == null ? 0 : (long) reading.throttled(),
              lags,
              rates,
              throttles));
    }

    List<StatusReport.Checkpoint> checkpoints = new ArrayList<>();
    for (PipelineMetrics.CheckpointEvent c : metrics.checkpointHistory()) {
      checkpoints.add(
          new StatusReport.Checkpoint(
              c.id(), c.completedAtMillis(), c.durationMillis(), c.sizeBytes()));
    }
    List<StatusReport.CheckpointFailure> failures = new ArrayList<>();
    for (PipelineMetrics.CheckpointFailureEvent f : metrics.checkpointFailureHistory()) {
      failures.add(new StatusReport.CheckpointFailure(f.atMillis(), f.reason()));
    }
    List<StatusReport.Restart> restarts = new ArrayList<>();
    for (PipelineMetrics.RestartEvent r : metrics.restartHistory()) {
      restarts.add(new StatusReport.Restart(r.atMillis(), r.causeType(), r.cause()));
    }
    double age = metrics.secondsSinceLastCheckpoint();
    StatusReport.Checkpoints checkpointReport =
        new StatusReport.Checkpoints(
            checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1).id(),
            Double.isNaN(age) ? null : age,
            metrics.checkpointsCompleted(),
            metrics.checkpointsFailed(),
            checkpoints,
            failures);

    long in = 0;
    long out = 0;
    for (int i = 0; i < metrics.parallelism(); i++) {
      in += metrics.worker(i).recordsIn();
      out += metrics.worker(i).recordsOut();
    }
    StatusReport.Totals totals =
        new StatusReport.Totals(
            in,
            out,
            last == null ? 0 : last.inRate(),
            last == null ? 0 : last.outRate(),
            (long) metrics.dropped(),
            (long) metrics.deadLettered(),
            (long) throttledTotal(metrics.registry(), metrics.pipeline()),
            metrics.restarts());

    String[] health = health(now, nowMillis, all, splitReports, checkpointReport, restarts);
    String nodeState =
        switch (now) {
          case STARTING, RUNNING -> "running";
          default -> now.word();
        };
    StatusReport.Graph stated =
        new StatusReport.Graph(
            new StatusReport.Node(graph.source().name(), nodeState),
            graph.transforms().stream()
                .map(n -> new StatusReport.Node(n.name(), nodeState))
                .toList(),
            graph.sinks().stream().map(n -> new StatusReport.Node(n.name(), nodeState)).toList());
    return new StatusReport(
        metrics.pipeline(),
        nowMillis,
        now.word(),
        health[0],
        health[1],
        stated,
        totals,
        new StatusReport.Series(times, inRates, outRates, ages),
        splitReports,
        checkpointReport,
        restarts);
  }

  /**
   * A split whose meters are there is {@code reading}; one whose meters went while the pipeline ran
   * or after it finished was read to its end ({@code ended}, and stays so); between attempts the
   * meters are re-registered ({@code reading}); after a stop or failure, {@code stopped}.
   */
  private static String splitState(boolean metered, boolean ended, PipelineState now) {
    if (metered) {
      return "reading";
    }
    if (ended) {
      return "ended";
    }
    switch (now) {
      case RUNNING:
      case FINISHED:
        return "ended";
      case STOPPED:
      case FAILED:
        return "stopped";
      default:
        return "reading";
    }
  }

  private String[] health(
      PipelineState now,
      long nowMillis,
      List<Sample> list,
      List<StatusReport.Split> splitReports,
      StatusReport.Checkpoints checkpoints,
      List<StatusReport.Restart> restarts) {
    StatusReport.Restart lastRestart =
        restarts.isEmpty() ? null : restarts.get(restarts.size() - 1);
    if (now == PipelineState.FAILED) {
      return new String[] {
        "failing", lastRestart == null ? "the pipeline failed" : "failed: " + lastRestart.cause()
      };
    }
    long lastCompleted =
        checkpoints.recent().isEmpty()
            ? Long.MIN_VALUE
            : checkpoints.recent().get(checkpoints.recent().size() - 1).completedAtMillis();
    if (lastRestart != null
        && (now == PipelineState.RESTARTING || lastRestart.atMillis() >= lastCompleted)
        && now != PipelineState.FINISHED
        && now != PipelineState.STOPPED) {
      return new String[] {"restarting", lastRestart.cause()};
    }
    Double age = checkpoints.lastAgeSeconds();
    double overdue = 3 * checkpointInterval.toMillis() / 1000.0 + 60;
    if (now == PipelineState.RUNNING && age != null && age > overdue) {
      return new String[] {
        "failing",
        String.format(
            java.util.Locale.ROOT,
            "no checkpoint completed for %.0fs (checkpoint.interval %ds)%s",
            age,
            checkpointInterval.toSeconds(),
            checkpoints.failures().isEmpty()
                ? ""
                : "; last failure: "
                    + checkpoints.failures().get(checkpoints.failures().size() - 1).reason())
      };
    }
    StatusReport.Split behind = null;
    for (StatusReport.Split split : splitReports) {
      if (split.lagMillis() != null
          && split.lagMillis() > LAGGING_MILLIS
          && (behind == null || split.lagMillis() > behind.lagMillis())) {
        behind = split;
      }
    }
    if (behind != null) {
      return new String[] {
        "lagging",
        String.format(
            java.util.Locale.ROOT,
            "%s %s is %.0fs behind the newest record",
            behind.source(),
            behind.split(),
            behind.lagMillis() / 1000)
      };
    }
    if (!list.isEmpty()) {
      Sample last = list.get(list.size() - 1);
      Sample minuteAgo = last;
      for (int i = list.size() - 1; i >= 0; i--) {
        if (last.atMillis() - list.get(i).atMillis() > RECENT_MILLIS) {
          break;
        }
        minuteAgo = list.get(i);
      }
      double recent = last.throttled() - minuteAgo.throttled();
      if (recent > 0) {
        return new String[] {
          "throttled",
          String.format(java.util.Locale.ROOT, "%.0f calls throttled in the last minute", recent)
        };
      }
    }
    return new String[] {"ok", ""};
  }
}
