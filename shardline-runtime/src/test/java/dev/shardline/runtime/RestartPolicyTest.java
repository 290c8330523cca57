package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.internal.WorkerFailedException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartPolicyTest {
  private static final Backoff QUICK =
      new Backoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0);

  @TempDir Path dir;

  @Test
  void aPipelineThatKeepsFailingGivesUpAfterMaxRestartsWithTheCause() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(100).build())
            .map(
                n -> {
                  throw new IllegalStateException("poison record " + n);
                })
            .to(new CollectingSink<>())
            .checkpointDirectory(dir)
            .restartPolicy(RestartPolicy.of(2, QUICK))
            .metrics(registry)
            .build();

    assertThatThrownBy(pipeline::run)
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageContaining("failed 3 time(s)")
        .hasMessageContaining("gave up after 2 restart(s)")
        .hasMessageContaining("poison record 0")
        .satisfies(
            e -> {
              assertThat(((PipelineFailedException) e).attempts()).isEqualTo(3);
              assertThat(e.getCause()).isInstanceOf(WorkerFailedException.class);
              assertThat(e.getCause().getCause())
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessage("poison record 0");
              assertThat(e.getSuppressed()).hasSize(2);
            });
    assertThat(registry.get("shardline.pipeline.restarts").counter().count()).isEqualTo(2);
  }

  @Test
  void aTransientFailureRestartsFromTheLastCheckpointAndTheOutputIsStillExactlyOnce()
      throws Exception {
    AtomicBoolean failed = new AtomicBoolean();
    Path out = dir.resolve("out");
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(10_000).ratePerSecond(50_000).build())
            .map(
                n -> {
                  if (n == 6_000 && failed.compareAndSet(false, true)) {
                    throw new IllegalStateException("transient");
                  }
                  return n;
                })
            .to(FileSink.lines(out).build())
            .parallelism(2)
            .checkpointInterval(Duration.ofMillis(20))
            .checkpointDirectory(dir.resolve("checkpoints"))
            .restartPolicy(RestartPolicy.of(1, QUICK))
            .build();

    pipeline.run();

    assertThat(failed).isTrue();
    List<Long> committed = CommittedFiles.lines(out).stream().map(Long::parseLong).toList();
    assertThat(committed)
        .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 10_000).boxed().toList());
  }

  @Test
  void aRunThatCompletesACheckpointResetsTheRestartCount() throws Exception {
    // three failures, far enough apart that a checkpoint completes between them, survive a
    // policy of one restart in a row
    Set<Long> failAt = ConcurrentHashMap.newKeySet();
    failAt.addAll(List.of(2_000L, 4_000L, 6_000L));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Path out = dir.resolve("out");
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(8_000).ratePerSecond(20_000).build())
            .map(
                n -> {
                  if (failAt.remove(n)) {
                    throw new IllegalStateException("failure at " + n);
                  }
                  return n;
                })
            .to(FileSink.lines(out).build())
            .checkpointInterval(Duration.ofMillis(20))
            .checkpointDirectory(dir.resolve("checkpoints"))
            .restartPolicy(RestartPolicy.of(1, QUICK))
            .metrics(registry)
            .build();

    pipeline.run();

    assertThat(failAt).isEmpty();
    assertThat(registry.get("shardline.pipeline.restarts").counter().count()).isEqualTo(3);
    assertThat(CommittedFiles.lines(out).stream().map(Long::parseLong).toList())
        .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 8_000).boxed().toList());
  }

  @Test
  void stopDuringTheBackoffEndsThePipelineAtOnce() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().build())
            .map(
                n -> {
                  throw new IllegalStateException("always");
                })
            .to(new CollectingSink<>())
            .checkpointDirectory(dir)
            .restartPolicy(
                RestartPolicy.of(1, new Backoff(Duration.ofHours(1), 1, Duration.ofHours(1), 0)))
            .metrics(registry)
            .build();
    pipeline.start();
    Await.until(
        "the first failure",
        Duration.ofSeconds(10),
        () -> registry.get("shardline.pipeline.restarts").counter().count() == 1);

    // waits out no hour: stop wakes the backoff
    pipeline.stop();

    assertThat(pipeline.isDone()).isTrue();
  }
}
