package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.junit.LocalKinesaliteExtension;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.time.ManualTime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink on the embedded runner while its source is idle: a record goes out at flush.maxAge,
 * through the runner's timer service, with no later record and no checkpoint to push it. The
 * pipeline runs on a manual clock, so "idle" and "flush.maxAge passed" are exact.
 */
class KinesisSinkIdlePipelineIT {
  private static final String STREAM = "idle";

  @RegisterExtension
  static final LocalKinesaliteExtension KINESALITE =
      new LocalKinesaliteExtension(LocalKinesalite.builder().initialStream(STREAM, 2));

  @TempDir Path dir;

  @Test
  void aRecordGoesOutAtFlushMaxAgeWhileTheSourceIsIdleAndNoCheckpointComes() throws Exception {
    // Given a source paced by a manual clock (10 records/s) of which only the first record reaches
    // the sink, and no checkpoint for an hour
    ManualTime time = new ManualTime();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().ratePerSecond(10).build())
            .filter(n -> n == 0) // one record reaches the sink, no later write pushes it
            .map(n -> "key-" + n + ":" + n)
            .to(
                SinkTests.stringSink(KINESALITE.get(), STREAM, false)
                    .flushMaxAge(Duration.ofMillis(500))
                    .build())
            .name("idle-sink")
            .checkpointDirectory(dir.resolve("checkpoints"))
            .checkpointInterval(Duration.ofHours(1))
            .restartPolicy(RestartPolicy.none())
            .time(time)
            .metrics(registry)
            .build();
    pipeline.start();
    try {
      // When that record is written, then nothing more until flush.maxAge passed
      // (the reader paces from when it got its split; it catches up by at most one record)
      Await.until(
          Duration.ofSeconds(30),
          () -> {
            if (recordsOut(registry) >= 1 || pipeline.isDone()) {
              return true;
            }
            time.advance(Duration.ofMillis(100));
            return false;
          },
          () -> recordsOut(registry) + " records written");
      time.advance(Duration.ofMillis(500));

      // Then it is in the stream
      Await.until(
          Duration.ofSeconds(30),
          () -> values().contains("key-0:0") || pipeline.isDone(),
          () -> "in the stream: " + values());
      // and its acknowledgement is taken on the worker too (a timer the response registered)
      Await.until(
          Duration.ofSeconds(30),
          () -> bufferedRecords(registry) == 0,
          () -> bufferedRecords(registry) + " records buffered");
      assertThat(pipeline.isDone()).isFalse();
      assertThat(pipeline.completedCheckpoints()).isZero();
    } finally {
      pipeline.stop();
    }
  }

  private static double recordsOut(SimpleMeterRegistry registry) {
    return registry.find("shardline.pipeline.records.out").functionCounters().stream()
        .mapToDouble(FunctionCounter::count)
        .sum();
  }

  private static double bufferedRecords(SimpleMeterRegistry registry) {
    return registry.get("shardline.sink.buffer.records").gauge().value();
  }

  private static List<String> values() {
    return SinkTests.readAll(KINESALITE.get().client(), STREAM).stream()
        .map(read -> new String(read.data(), UTF_8))
        .toList();
  }
}
