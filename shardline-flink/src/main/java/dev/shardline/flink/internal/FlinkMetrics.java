package dev.shardline.flink.internal;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Iterator;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The Micrometer registry a connector gets on Flink: every meter it registers also shows in Flink's
 * metric group under the same name, its tags as Flink's key/value groups in key order (so a
 * Prometheus reporter on Flink shows {@code shardline_kinesis_...} with the same labels as the
 * embedded runner's {@code /metrics}). A counter or gauge is one Flink gauge named like the meter;
 * a timer or summary is one gauge per statistic ({@code name.count}, {@code name.total}, {@code
 * name.max}). Values are read when Flink's reporters ask. Thread-safe, like Micrometer's
 * registries.
 */
public final class FlinkMetrics {

  private FlinkMetrics() {}

  /** A registry whose meters appear in {@code group}. */
  public static MeterRegistry registry(MetricGroup group) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    registry.config().onMeterAdded(meter -> expose(group, meter));
    return registry;
  }

  private static void expose(MetricGroup group, Meter meter) {
    MetricGroup tagged = group;
    for (Tag tag : meter.getId().getTagsAsIterable()) {
      tagged = tagged.addGroup(tag.getKey(), tag.getValue());
    }
    String name = meter.getId().getName();
    Iterator<Measurement> measurements = meter.measure().iterator();
    int index = 0;
    while (measurements.hasNext()) {
      Measurement measurement = measurements.next();
      boolean single = index == 0 && !measurements.hasNext();
      String metricName = single ? name : name + "." + statisticName(measurement.getStatistic());
      int position = index++;
      tagged.gauge(metricName, (Gauge<Double>) () -> valueAt(meter, position));
    }
  }

  private static Double valueAt(Meter meter, int position) {
    int index = 0;
    for (Measurement measurement : meter.measure()) {
      if (index++ == position) {
        return measurement.getValue();
      }
    }
    return Double.NaN;
  }

  private static String statisticName(Statistic statistic) {
    return switch (statistic) {
      case COUNT -> "count";
      case TOTAL, TOTAL_TIME -> "total";
      case MAX -> "max";
      case VALUE -> "value";
      case ACTIVE_TASKS -> "active";
      case DURATION -> "duration";
      case UNKNOWN -> "unknown";
    };
  }
}
