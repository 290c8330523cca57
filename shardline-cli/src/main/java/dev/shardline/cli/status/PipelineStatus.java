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
 * how far behind the newest record each source is (where the source reports it), and how many calls
 * a service throttled. Immutable.
 *
 * @param recordsIn records the readers emitted, in total
 * @param recordsOut records handed to the sinks, in total
 * @param behindLatest per source identity, the largest lag of its splits
 * @param throttledCalls calls refused for a quota, by any connector
 * @param lastCheckpointId the last completed checkpoint
 * @param lastCheckpointAge how long ago it completed, when known
 */
public record PipelineStatus(
    long recordsIn,
    long recordsOut,
    Map<String, Duration> behindLatest,
    long throttledCalls,
    OptionalLong lastCheckpointId,
    Duration lastCheckpointAge) {

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
      if (meter.getId().getName().contains("throttled")) {
        throttled += count(meter);
      }
    }
    return new PipelineStatus(
        sum(registry, RECORDS_IN),
        sum(registry, RECORDS_OUT),
        behind,
        throttled,
        lastCheckpointId,
        lastCheckpointAge);
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
