package dev.shardline.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatusLineTest {

  @Test
  void readsTheRuntimeAndConnectorMetersOfARegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicLong in0 = new AtomicLong(700);
    AtomicLong in1 = new AtomicLong(300);
    FunctionCounter.builder(PipelineStatus.RECORDS_IN, in0, AtomicLong::get)
        .tag("worker", "0")
        .register(registry);
    FunctionCounter.builder(PipelineStatus.RECORDS_IN, in1, AtomicLong::get)
        .tag("worker", "1")
        .register(registry);
    FunctionCounter.builder(PipelineStatus.RECORDS_OUT, in0, AtomicLong::get).register(registry);
    Gauge.builder(MetricNames.SOURCE_LAG_MILLIS, () -> 1500)
        .tags("source", "kinesis:orders", "split", "a")
        .register(registry);
    Gauge.builder(MetricNames.SOURCE_LAG_MILLIS, () -> 400)
        .tags("source", "kinesis:orders", "split", "b")
        .register(registry);
    Counter.builder("shardline.kinesis.throttled.calls")
        .tag("split", "a")
        .register(registry)
        .increment(3);
    Counter.builder("shardline.kinesis.throttled.calls")
        .tag("split", "b")
        .register(registry)
        .increment(2);

    PipelineStatus status =
        PipelineStatus.read(registry, OptionalLong.of(12), Duration.ofSeconds(3));

    assertThat(status.recordsIn()).isEqualTo(1000);
    assertThat(status.recordsOut()).isEqualTo(700);
    assertThat(status.behindLatest()).isEqualTo(Map.of("kinesis:orders", Duration.ofMillis(1500)));
    assertThat(status.throttledCalls()).isEqualTo(5);
  }

  @Test
  void ratesAreComputedAgainstThePreviousStatus() {
    StatusLine line = new StatusLine("orders");
    PipelineStatus first = new PipelineStatus(1000, 900, Map.of(), 0, OptionalLong.empty(), null);
    PipelineStatus second =
        new PipelineStatus(
            3500,
            3400,
            Map.of("kinesis:orders", Duration.ofMillis(400)),
            7,
            OptionalLong.of(12),
            Duration.ofSeconds(3));

    String initial = line.render(first, 0);
    String later = line.render(second, 2_000_000_000L);

    assertThat(initial)
        .isEqualTo(
            "orders | in 0/s out 0/s | total 1,000 in, 900 out, 0 dropped, 0 dead-lettered |"
                + " checkpoint none yet | throttled 0");
    assertThat(later)
        .isEqualTo(
            "orders | in 1,250/s out 1,250/s | total 3,500 in, 3,400 out, 0 dropped, 0"
                + " dead-lettered | behind: kinesis:orders 0.4s | checkpoint 12, 3.0s ago |"
                + " throttled 7");
  }

  @Test
  void droppedRecordsShowInTheTotalsNotOnlyInAndOut() {
    // the line said "total 12 in, 12 out" while 8 records had been dropped
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    registry.counter(PipelineStatus.RECORDS_DROPPED, "pipeline", "orders").increment(8);
    registry.counter(PipelineStatus.RECORDS_DEAD_LETTERED, "pipeline", "orders").increment(2);

    PipelineStatus status = PipelineStatus.read(registry, OptionalLong.empty(), null);

    assertThat(new StatusLine("orders").render(status, 0))
        .contains("total 0 in, 0 out, 8 dropped, 2 dead-lettered");
  }

  @Test
  void theHealthWordFollowsThePipelineNameWithTheCauseOfARestart() {
    PipelineStatus status =
        new PipelineStatus(1, 1, Map.of(), 0, OptionalLong.empty(), null)
            .withHealth("restarting (IllegalStateException: disk full)");

    assertThat(new StatusLine("orders").render(status, 0))
        .startsWith("orders | restarting (IllegalStateException: disk full) | in 0/s");
  }
}
