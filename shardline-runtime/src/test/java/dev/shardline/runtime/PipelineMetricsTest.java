package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.retry.Backoff;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30) // runs pipelines: a regression could keep one running
class PipelineMetricsTest {
  @TempDir Path dir;

  @Test
  void recordsCheckpointsAndConnectorMetersLandInTheRegistryTaggedWithThePipeline() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Sink<Long> countingSink =
        (SinkContext context) -> {
          var written = context.metrics().counter("test.sink.written");
          return new SinkWriter<>() {
            @Override
            public void write(Long record) {
              written.increment();
            }

            @Override
            public void flush() {}
          };
        };
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(1_000).build())
            .filter(n -> n < 600)
            .to(countingSink)
            .name("metered")
            .parallelism(2)
            .checkpointInterval(Duration.ofMillis(20))
            .checkpointDirectory(dir)
            .metrics(registry)
            .build();

    pipeline.run();

    double in = 0;
    double out = 0;
    for (String worker : new String[] {"0", "1"}) {
      in +=
          registry
              .get("shardline.pipeline.records.in")
              .tags("pipeline", "metered", "worker", worker)
              .functionCounter()
              .count();
      out +=
          registry
              .get("shardline.pipeline.records.out")
              .tags("pipeline", "metered", "worker", worker)
              .functionCounter()
              .count();
    }
    assertThat(in).isEqualTo(1_000);
    assertThat(out).isEqualTo(600);
    double checkpoints =
        registry
            .get("shardline.pipeline.checkpoints")
            .tags("pipeline", "metered")
            .counter()
            .count();
    assertThat(checkpoints).isEqualTo(pipeline.completedCheckpoints()).isPositive();
    assertThat(registry.get("shardline.pipeline.checkpoint.last.id").gauge().value())
        .isEqualTo(pipeline.lastCheckpointId().orElseThrow());
    assertThat(registry.get("shardline.pipeline.checkpoint.size").summary().totalAmount())
        .isPositive();
    assertThat(registry.get("shardline.pipeline.checkpoint.duration").timer().count())
        .isEqualTo((long) checkpoints);
    assertThat(registry.get("shardline.pipeline.restarts").counter().count()).isZero();
    // a connector's meter, registered through its context, carries pipeline, sink and writer
    double written = 0;
    for (String writer : new String[] {"0", "1"}) {
      written +=
          registry
              .get("test.sink.written")
              .tags("pipeline", "metered", "sink", "sink-0", "writer", writer)
              .counter()
              .count();
    }
    assertThat(written).isEqualTo(600);
  }

  @Test
  void aRestartRemovesTheFailedAttemptsMetersSoTheNewWritersGaugeIsReported() {
    // Given a sink whose writers each register a gauge of their own and fail on their first
    // record, for the first 20 attempts
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger writers = new AtomicInteger();
    Sink<Long> failingSink =
        (SinkContext context) -> {
          int attempt = writers.incrementAndGet();
          AtomicLong mine = new AtomicLong(attempt);
          Gauge.builder("test.sink.attempt", mine, AtomicLong::get)
              .strongReference(true)
              .register(context.metrics());
          context.metrics().counter("test.sink.written");
          return new SinkWriter<>() {
            @Override
            public void write(Long record) {
              if (attempt <= 20) {
                throw new IllegalStateException("injected failure of attempt " + attempt);
              }
            }

            @Override
            public void flush() {}
          };
        };
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(100).build())
            .to(failingSink)
            .name("restarting")
            .checkpointInterval(Duration.ofMillis(50))
            .checkpointDirectory(dir)
            .restartPolicy(
                RestartPolicy.of(
                    25, new Backoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0)))
            .metrics(registry)
            .build();

    // When it restarts 20 times and then runs to the end
    pipeline.run();

    // Then the registry holds one gauge, the last writer's, and as many meters as after one run
    assertThat(writers.get()).isEqualTo(21);
    assertThat(registry.find("test.sink.attempt").gauges()).hasSize(1);
    assertThat(registry.get("test.sink.attempt").gauge().value()).isEqualTo(21);
    assertThat(registry.find("test.sink.written").counters()).hasSize(1);
    assertThat(registry.get("shardline.pipeline.restarts").counter().count()).isEqualTo(20);
  }
}
