package dev.shardline.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.metrics.MetricNames;
import dev.shardline.runtime.status.PipelineState;
import dev.shardline.runtime.status.StatusReport;
import dev.shardline.time.ManualTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StatusHistoryTest {
  private final ManualTime time = new ManualTime(1_700_000_000_000L);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PipelineMetrics metrics = new PipelineMetrics(registry, "orders", 2, time);
  private final AtomicReference<PipelineState> state = new AtomicReference<>(PipelineState.RUNNING);
  private final StatusHistory history =
      new StatusHistory(
          metrics,
          time,
          Duration.ofSeconds(10),
          state::get,
          new StatusReport.Graph(
              new StatusReport.Node("kinesis:orders", "running"),
              List.of(new StatusReport.Node("map", "running")),
              List.of(new StatusReport.Node("FileSink (sink-0)", "running"))));

  private void tick() {
    time.advance(Duration.ofSeconds(1));
    history.sample();
  }

  @Test
  void ratesComeFromTheWorkersCountsPerSecondAndTotalsAddUpTheWorkers() {
    history.sample();
    metrics.worker(0).recordsIn = 300;
    metrics.worker(1).recordsIn = 100;
    metrics.worker(0).recordsOut = 200;
    time.advance(Duration.ofSeconds(2));
    history.sample();

    StatusReport report = history.report();

    assertThat(report.totals().recordsIn()).isEqualTo(400);
    assertThat(report.totals().recordsOut()).isEqualTo(200);
    assertThat(report.totals().recordsInPerSecond()).isEqualTo(200.0);
    assertThat(report.series().recordsInPerSecond()).containsExactly(0.0, 200.0);
    assertThat(report.series().recordsOutPerSecond()).containsExactly(0.0, 100.0);
    assertThat(report.series().timeMillis()).hasSize(2);
    assertThat(report.graph().transforms())
        .extracting(StatusReport.Node::name)
        .containsExactly("map");
    assertThat(report.health()).isEqualTo("ok");
  }

  @Test
  void aSplitMoreThanThirtySecondsBehindMakesThePipelineLaggingAndNamesIt() {
    AtomicLong lag = new AtomicLong(2_000);
    MeterRegistry reader = metrics.tagged("reader", "0");
    Gauge.builder(MetricNames.SOURCE_LAG_MILLIS, lag, AtomicLong::get)
        .tags("source", "kinesis:orders", "split", "shardId-000000000001")
        .register(reader);
    Counter records =
        Counter.builder(MetricNames.SOURCE_RECORDS)
            .tags("source", "kinesis:orders", "split", "shardId-000000000001")
            .register(reader);
    history.sample();
    records.increment(50);
    lag.set(45_000);
    tick();

    StatusReport report = history.report();

    assertThat(report.health()).isEqualTo("lagging");
    assertThat(report.healthDetail())
        .isEqualTo("kinesis:orders shardId-000000000001 is 45s behind the newest record");
    StatusReport.Split split = report.splits().get(0);
    assertThat(split.state()).isEqualTo("reading");
    assertThat(split.lagMillisSeries()).containsExactly(2_000.0, 45_000.0);
    assertThat(split.recordsPerSecondSeries()).containsExactly(0.0, 50.0);
  }

  @Test
  void aSplitWhoseMetersWentWhileRunningIsShownEndedWithGapsInItsSeries() {
    AtomicLong lag = new AtomicLong(0);
    MeterRegistry reader = metrics.tagged("reader", "0");
    Gauge gauge =
        Gauge.builder(MetricNames.SOURCE_LAG_MILLIS, lag, AtomicLong::get)
            .tags("source", "kinesis:orders", "split", "shardId-000000000000")
            .register(reader);
    history.sample();
    reader.remove(gauge);
    registry.remove(gauge.getId());
    tick();

    StatusReport.Split split = history.report().splits().get(0);

    assertThat(split.state()).isEqualTo("ended");
    assertThat(split.lagMillisSeries()).containsExactly(0.0, null);
    state.set(PipelineState.STOPPED);
    tick();
    assertThat(history.report().splits().get(0).state()).isEqualTo("ended");
  }

  @Test
  void aNegativeLagIsNotKnownYet() {
    Gauge.builder(MetricNames.SOURCE_LAG_MILLIS, () -> -1)
        .tags("source", "kinesis:orders", "split", "shardId-000000000000")
        .register(metrics.tagged("reader", "0"));
    history.sample();

    assertThat(history.report().splits().get(0).lagMillis()).isNull();
  }

  @Test
  void throttledCallsInTheLastMinuteMakeItThrottledAndAMinuteOfNoneMakesItOkAgain() {
    Counter throttled =
        Counter.builder("shardline.kinesis.throttled.calls")
            .tags("source", "kinesis:orders", "split", "shardId-000000000000")
            .register(metrics.tagged("reader", "0"));
    history.sample();
    throttled.increment(3);
    tick();
    assertThat(history.report().health()).isEqualTo("throttled");
    assertThat(history.report().healthDetail()).isEqualTo("3 calls throttled in the last minute");
    assertThat(history.report().totals().throttledCalls()).isEqualTo(3);

    for (int i = 0; i < 62; i++) {
      tick();
    }

    assertThat(history.report().health()).isEqualTo("ok");
  }

  @Test
  void aRestartShowsRestartingWithItsCauseUntilACheckpointCompletes() {
    history.sample();
    state.set(PipelineState.RESTARTING);
    metrics.restarted(
        new RuntimeException("Worker 0 failed", new IllegalStateException("disk full")));
    tick();

    StatusReport report = history.report();
    assertThat(report.health()).isEqualTo("restarting");
    assertThat(report.healthDetail()).isEqualTo("IllegalStateException: disk full");
    assertThat(report.restarts())
        .singleElement()
        .satisfies(r -> assertThat(r.causeType()).isEqualTo("IllegalStateException"));
    assertThat(report.totals().restarts()).isEqualTo(1);
    assertThat(
            registry
                .get("shardline.pipeline.restarts.by.cause")
                .tags("cause", "IllegalStateException")
                .counter()
                .count())
        .isEqualTo(1);

    state.set(PipelineState.RUNNING);
    tick();
    assertThat(history.report().health()).isEqualTo("restarting");
    time.advance(Duration.ofSeconds(1));
    metrics.checkpointCompleted(4, 2_000_000, 300);
    tick();
    assertThat(history.report().health()).isEqualTo("ok");
  }

  @Test
  void noCheckpointForThreeIntervalsAndAMinuteIsFailing() {
    metrics.checkpointCompleted(1, 1_000_000, 100);
    history.sample();
    time.advance(Duration.ofSeconds(89));
    history.sample();
    assertThat(history.report().health()).isEqualTo("ok");

    time.advance(Duration.ofSeconds(2));
    history.sample();

    assertThat(history.report().health()).isEqualTo("failing");
    assertThat(history.report().healthDetail())
        .isEqualTo("no checkpoint completed for 91s (checkpoint.interval 10s)");
  }

  @Test
  void checkpointAgeIsTheSecondsSinceTheLastCompletedCheckpoint() {
    assertThat(registry.get("shardline.pipeline.checkpoint.age").gauge().value()).isNaN();
    history.sample();
    assertThat(history.report().checkpoints().lastAgeSeconds()).isNull();

    metrics.checkpointCompleted(7, 3_000_000, 512);
    time.advance(Duration.ofSeconds(7));
    history.sample();

    assertThat(registry.get("shardline.pipeline.checkpoint.age").gauge().value()).isEqualTo(7.0);
    StatusReport.Checkpoints checkpoints = history.report().checkpoints();
    assertThat(checkpoints.lastId()).isEqualTo(7);
    assertThat(checkpoints.lastAgeSeconds()).isEqualTo(7.0);
    assertThat(checkpoints.recent())
        .containsExactly(new StatusReport.Checkpoint(7, 1_700_000_000_000L, 3, 512));
    assertThat(history.report().series().checkpointAgeSeconds()).containsExactly(null, 7.0);
  }

  @Test
  void droppedAndDeadLetteredCountsSurviveARestartsRemovalOfTheAttemptsMeters() {
    Counter.builder(MetricNames.RECORDS_DROPPED)
        .tags("source", "kinesis:orders")
        .register(metrics.tagged("reader", "0"))
        .increment(3);
    Counter.builder(MetricNames.RECORDS_DEAD_LETTERED)
        .tags("source", "kinesis:orders")
        .register(metrics.tagged("reader", "0"))
        .increment(1);
    metrics.removeAttemptMeters();
    Counter.builder(MetricNames.RECORDS_DROPPED)
        .tags("source", "kinesis:orders")
        .register(metrics.tagged("reader", "0"))
        .increment(2);
    history.sample();

    assertThat(registry.get("shardline.pipeline.records.dropped").functionCounter().count())
        .isEqualTo(5);
    assertThat(registry.get("shardline.pipeline.records.dead.lettered").functionCounter().count())
        .isEqualTo(1);
    assertThat(history.report().totals().dropped()).isEqualTo(5);
    assertThat(history.report().totals().deadLettered()).isEqualTo(1);
  }

  @Test
  void keepsFifteenMinutesOfSamples() {
    for (int i = 0; i < StatusHistory.SAMPLES + 5; i++) {
      tick();
    }

    assertThat(history.report().series().timeMillis()).hasSize(900);
  }

  @Test
  void aReportWithoutSeriesHasTheSameHealthAndCurrentValuesAndNoSeries() {
    AtomicLong lag = new AtomicLong(45_000);
    Gauge.builder(MetricNames.SOURCE_LAG_MILLIS, lag, AtomicLong::get)
        .tags("source", "kinesis:orders", "split", "shardId-000000000001")
        .register(metrics.tagged("reader", "0"));
    history.sample();
    tick();

    StatusReport light = history.report(false);

    assertThat(light.health()).isEqualTo("lagging");
    assertThat(light.series().timeMillis()).isEmpty();
    assertThat(light.splits().get(0).lagMillis()).isEqualTo(45_000.0);
    assertThat(light.splits().get(0).lagMillisSeries()).isEmpty();
  }
}
