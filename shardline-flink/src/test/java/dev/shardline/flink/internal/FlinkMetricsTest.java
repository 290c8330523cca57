package dev.shardline.flink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

/** A connector's meters show in Flink's metric group under the same names, tags as groups. */
class FlinkMetricsTest {

  @Test
  void aCounterIsAFlinkGaugeWithTheSameNameUnderItsTagGroups() {
    MetricListener flink = new MetricListener();
    MeterRegistry registry = FlinkMetrics.registry(flink.getMetricGroup());

    Counter records =
        registry.counter("shardline.kinesis.records", "stream", "orders", "shard", "shard-1");
    records.increment(3);

    Optional<Gauge<Double>> gauge =
        // tags in key order, as Micrometer keeps them
        flink.getGauge("shard", "shard-1", "stream", "orders", "shardline.kinesis.records");
    assertThat(gauge).isPresent();
    assertThat(gauge.get().getValue()).isEqualTo(3.0);
    records.increment();
    assertThat(gauge.get().getValue()).as("read when Flink asks").isEqualTo(4.0);
  }

  @Test
  void aTimerIsOneGaugePerStatistic() {
    MetricListener flink = new MetricListener();
    MeterRegistry registry = FlinkMetrics.registry(flink.getMetricGroup());

    Timer timer = registry.timer("shardline.requests");
    timer.record(Duration.ofMillis(40));

    assertThat(flink.<Double>getGauge("shardline.requests.count").get().getValue()).isEqualTo(1.0);
    assertThat(flink.<Double>getGauge("shardline.requests.total")).isPresent();
    assertThat(flink.<Double>getGauge("shardline.requests.max")).isPresent();
  }

  @Test
  void aGaugeFollowsItsValue() {
    MetricListener flink = new MetricListener();
    MeterRegistry registry = FlinkMetrics.registry(flink.getMetricGroup());
    AtomicLong behind = registry.gauge("shardline.kinesis.millisBehindLatest", new AtomicLong(5));

    behind.set(1_200);

    assertThat(flink.<Double>getGauge("shardline.kinesis.millisBehindLatest").get().getValue())
        .isEqualTo(1_200.0);
  }
}
