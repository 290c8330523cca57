package dev.shardline.cli.status;

import dev.shardline.metrics.MetricNames;
import dev.shardline.metrics.MetricTags;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What the status line shows, read from a running pipeline's meters: records in and out (totals),
 * records dropped and dead-lettered, how far behind the newest record each source is (where the
 * source reports it), how many calls a service throttled, and the pipeline's health. Immutable.
 *
 * @param recordsIn records the readers emitted, in total
 * @param recordsOut records handed to the sinks, in total
 * @param behindLatest per source identity, the largest lag of its splits
 * @param throttledCalls calls refused for a quota, by any connector
 * @param lastCheckpointId the last completed checkpoint
 * @param lastCheckpointAge how long ago it completed, when known
 * @param dropped records the bad-data policy dropped, over all restarts
 * @param deadLettered records sent to the dead-letter sink, over all restarts
 * @param health {@code ok}, {@code throttled}, {@code lagging}, {@code restarting (cause)} or
 *     {@code failing (why)}; null when not known
 */
public record PipelineStatus(
    long recordsIn,
    long recordsOut,
    Map<String, Duration> behindLatest,
    long throttledCalls,
    OptionalLong lastCheckpointId,
    Duration lastCheckpointAge,
    long dropped,
    long deadLettered,
    String health) {

  /** A status with no dropped or dead-lettered records and no health word. */
  public PipelineStatus(
      long recordsIn,
      long recordsOut,
      Map<String, Duration> behindLatest,
      long throttledCalls,
      OptionalLong lastCheckpointId,
      Duration lastCheckpointAge) {
    this(
        recordsIn,
        recordsOut,
        behindLatest,
        throttledCalls,
        lastCheckpointId,
        lastCheckpointAge,
        0,
        0,
        null);
  }

  /** The runtime's counter of records dropped, over all restarts. */
  public static final String RECORDS_DROPPED = "shardline.pipeline.records.dropped";

  /** The runtime's counter of records dead-lettered, over all restarts. */
  public static final String RECORDS_DEAD_LETTERED = "shardline.pipeline.records.dead.lettered";

  /**
   * The health word of {@code report}, with the cause where it has one: {@code ok}, {@code
   * throttled}, {@code lagging}, {@code restarting (IllegalStateException: disk full)}, {@code
   * failing (no checkpoint completed for 95s ...)}.
   */
  public static String health(dev.shardline.runtime.status.StatusReport report) {
    return report.health().equals("restarting") || report.health().equals("failing")
        ? report.health() + " (" + report.healthDetail() + ")"
        : report.health();
  }

  /** This status with {@code health} as its health word. */
  public PipelineStatus withHealth(String health) {
    return new PipelineStatus(
        recordsIn,
        recordsOut,
        behindLatest,
        throttledCalls,
        lastCheckpointId,
        lastCheckpointAge,
        dropped,
        deadLettered,
        health);
  }

  /** The runtime's meter of records read. */
  public static final String RECORDS_IN = "shardline.pipeline.records.in";

  /** The runtime's meter of records handed to the sinks. */
  public static final String RECORDS_OUT = "shardline.pipeline.records.out";

  /** The runtime's counter of completed checkpoints. */
  public static final String CHECKPOINTS = "shardline.pipeline.checkpoints";

  /**
   * The status now.
   *
   * @param lastCheckpointId from the pipeline
   * @param lastCheckpointAge since the last checkpoint completed, or null
   */
  public static PipelineStatus read(
      MeterRegistry registry, OptionalLong lastCheckpointId, Duration lastCheckpointAge) {
    Map<String, Duration> behind = new TreeMap<>();
    for (Gauge gauge : registry.find(MetricNames.SOURCE_LAG_MILLIS).gauges()) {
      double millis = gauge.value();
      if (Double.isNaN(millis)) {
        continue;
      }
      String source = gauge.getId().getTag(MetricTags.SOURCE);
      behind.merge(
          source == null ? "source" : source,
          Duration.ofMillis(Math.max(0, (long) millis)),
          (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
    long throttled = 0;
    for (Meter meter : registry.getMeters()) {
      if (meter.getId().getName().contains("throttled")
          && !meter.getId().getName().startsWith("shardline.pipeline.")) {
        throttled += count(meter);
      }
    }
    return new PipelineStatus(
        sum(registry, RECORDS_IN),
        sum(registry, RECORDS_OUT),
        behind,
        throttled,
        lastCheckpointId,
        lastCheckpointAge,
        sum(registry, RECORDS_DROPPED),
        sum(registry, RECORDS_DEAD_LETTERED),
        null);
  }

  /** The total of every counter named {@code name}, whatever its tags. */
  public static long sum(MeterRegistry registry, String name) {
    long total = 0;
    for (Meter meter : registry.find(name).meters()) {
      total += count(meter);
    }
    return total;
  }

  private static long count(Meter meter) {
    if (meter instanceof Counter counter) {
      return (long) counter.count();
    }
    if (meter instanceof FunctionCounter counter) {
      return (long) counter.count();
    }
    return 0;
  }
}
