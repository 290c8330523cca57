package dev.shardline.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkWriter;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.runtime.checkpoint.DirectoryCheckpointStore;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ExecutionTest {
  private static final Duration GRACE = Duration.ofMillis(200);

  @TempDir Path dir;

  @Test
  @Timeout(30)
  void aWorkerThatSurvivesItsInterruptFailsThePipelineForGoodInsteadOfRestarting()
      throws Exception {
    // regression: the stuck worker was logged as "left running" and the pipeline restarted while
    // it still held its reader and writers (a new FileSinkWriter then deleted the part it wrote)
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Sink<Long> sink =
        context ->
            new SinkWriter<>() {
              @Override
              public void write(Long record) throws InterruptedException {
                if (context.writerIndex() == 0) {
                  stuck.countDown();
                  awaitIgnoringInterrupts(release);
                } else {
                  // fail only once worker 0 is stuck, so stopping the run must wait for it
                  stuck.await();
                  throw new IllegalStateException("worker 1 fails");
                }
              }

              @Override
              public void flush() {}
            };
    PipelineSpec spec =
        new PipelineSpec(
            GeneratorSource.sequence().build(),
            List.of(),
            List.of(sink),
            null,
            "stuck",
            2,
            Duration.ofHours(1),
            Duration.ofMinutes(10),
            0,
            dir,
            3,
            null,
            RestartPolicy.DEFAULT,
            new SimpleMeterRegistry(),
            Time.SYSTEM,
            false);
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      Execution execution =
          new Execution(
              spec, store, new PipelineMetrics(spec.metrics(), "stuck", 2), id -> {}, GRACE);

      assertThatThrownBy(execution::run)
          .isInstanceOf(FatalPipelineException.class)
          .hasMessageContaining("cannot restart")
          .hasMessageContaining("shardline-stuck-worker-0 did not stop within 200 ms")
          .satisfies(
              e ->
                  assertThat(e.getCause().getSuppressed())
                      .anySatisfy(
                          s ->
                              assertThat(s)
                                  .hasMessage("Stack of shardline-stuck-worker-0 when given up on"))
                      .anySatisfy(
                          s ->
                              assertThat(s)
                                  .isInstanceOf(WorkerFailedException.class)
                                  .hasMessageContaining("worker 1 fails")));
    } finally {
      release.countDown();
    }
  }

  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    while (latch.getCount() > 0) {
      try {
        latch.await();
      } catch (InterruptedException e) {
        // deliberately stuck: the kind of code the runner must not restart around
      }
    }
  }
}
