package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.SinkWriter;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.internal.WorkerFailedException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// each test runs a pipeline until it ends: a regression could make it wait forever
@Timeout(30)
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
    // Given three failures, each on the first record after the failing run completed a checkpoint
    // that holds records it read, and a policy of one restart in a row. The first checkpoint to
    // complete after the run's first record may have had its barrier before that record; the one
    // after it cannot, so a run has made progress once the last completed checkpoint is two past
    // the one completed when its first record came.
    AtomicReference<Pipeline> self = new AtomicReference<>();
    AtomicLong restoredByThisRun = new AtomicLong(-1);
    AtomicInteger failures = new AtomicInteger();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Path out = dir.resolve("out");
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().ratePerSecond(20_000).build())
            .map(
                n -> {
                  long last = self.get().lastCheckpointId().orElse(0);
                  if (restoredByThisRun.get() < 0) {
                    restoredByThisRun.set(last);
                  } else if (failures.get() < 3 && last > restoredByThisRun.get() + 1) {
                    restoredByThisRun.set(-1);
                    throw new IllegalStateException(
                        "failure " + failures.incrementAndGet() + " after checkpoint " + last);
                  }
                  return n;
                })
            .to(FileSink.lines(out).build())
            .checkpointInterval(Duration.ofMillis(20))
            .checkpointDirectory(dir.resolve("checkpoints"))
            .restartPolicy(RestartPolicy.of(1, QUICK))
            .metrics(registry)
            .build();
    self.set(pipeline);

    // When it runs through the three failures and one more checkpoint
    pipeline.start();
    Await.until(
        "the third restart",
        Duration.ofSeconds(20),
        () -> registry.get("shardline.pipeline.restarts").counter().count() == 3);
    Await.until(
        "a checkpoint of the run after the third failure",
        Duration.ofSeconds(20),
        () -> {
          long restored = restoredByThisRun.get();
          return restored >= 0 && pipeline.lastCheckpointId().orElse(0) > restored;
        });
    pipeline.stop();

    // Then it never gave up (stop() would throw), and the output is still exactly once
    assertThat(failures).hasValue(3);
    assertThat(registry.get("shardline.pipeline.restarts").counter().count()).isEqualTo(3);
    List<Long> committed =
        CommittedFiles.lines(out).stream().map(Long::parseLong).sorted().toList();
    assertThat(committed)
        .isNotEmpty()
        .isEqualTo(LongStream.range(0, committed.size()).boxed().toList());
  }

  /**
   * Regression: a source whose server was unreachable completed empty checkpoints between its
   * failures, each of which reset the count of restarts in a row, so the pipeline restarted forever
   * ("restart 1 of at most 3" again and again). Empty checkpoints are no progress.
   */
  @Test
  void runsThatCompleteOnlyEmptyCheckpointsDoNotResetTheRestartCount() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().ratePerSecond(0.001).build()) // reads nothing
            .to(
                context ->
                    new SinkWriter<Long>() {
                      private int flushes;

                      @Override
                      public void write(Long record) {}

                      @Override
                      public void flush() {
                        if (++flushes == 3) { // two checkpoints completed in this run
                          throw new IllegalStateException("cannot reach the server");
                        }
                      }
                    })
            .checkpointInterval(Duration.ofMillis(20))
            .checkpointDirectory(dir.resolve("checkpoints"))
            .restartPolicy(RestartPolicy.of(2, QUICK))
            .metrics(registry)
            .build();

    assertThatThrownBy(pipeline::run)
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageContaining("failed 3 time(s)")
        .hasMessageContaining("gave up after 2 restart(s) in a row without progress")
        .hasMessageContaining("cannot reach the server");
    assertThat(pipeline.completedCheckpoints()).as("empty checkpoints completed").isEqualTo(6);
    assertThat(registry.get("shardline.pipeline.restarts").counter().count()).isEqualTo(2);
  }

  /**
   * Errors that no restart can fix (an {@link UnrecoverableException} anywhere in the cause chain)
   * fail the pipeline at once, with that error's message, even with restarts left.
   */
  @Test
  void anUnrecoverableErrorFailsAtOnceWithItsMessage() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(100).build())
            .map(
                n -> {
                  throw new UnrecoverableException(
                      "Stream 'orders' does not exist (option stream): create it");
                })
            .to(new CollectingSink<>())
            .checkpointDirectory(dir)
            .restartPolicy(RestartPolicy.of(5, QUICK))
            .metrics(registry)
            .build();

    assertThatThrownBy(pipeline::run)
        .isInstanceOf(PipelineFailedException.class)
        .hasMessage("Stream 'orders' does not exist (option stream): create it")
        .satisfies(e -> assertThat(((PipelineFailedException) e).attempts()).isEqualTo(1));
    assertThat(registry.get("shardline.pipeline.restarts").counter().count()).isZero();
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
