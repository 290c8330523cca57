package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkWriter;
import dev.shardline.connectors.generator.GeneratorSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: Ctrl-C while a sink was still connecting (its writer's creation waiting on a server
 * that was down) waited for a final checkpoint that worker could never answer, and ended as
 * "Failed" once the connection attempts gave up. A stop while a worker is still starting ends at
 * once, as stopped, without a final checkpoint (the last one stands), interrupting that worker.
 */
@Timeout(60) // before the fix the stop waited for a checkpoint that never came
class StopWhileStartingTest {
  @TempDir Path dir;

  @Test
  void aStopWhileAWriterIsStillBeingCreatedEndsAtOnceAsStopped() throws Exception {
    CountDownLatch creating = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    Sink<Long> connecting =
        context -> {
          creating.countDown();
          try {
            Thread.sleep(Long.MAX_VALUE); // a server that never answers
          } catch (InterruptedException e) {
            interrupted.set(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting", e);
          }
          return new SinkWriter<>() {
            @Override
            public void write(Long record) {}

            @Override
            public void flush() {}
          };
        };
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().ratePerSecond(1_000).build())
            .to(connecting)
            .checkpointInterval(Duration.ofMillis(50))
            .checkpointDirectory(dir.resolve("checkpoints"))
            .build();
    pipeline.start();
    assertThat(creating.await(10, TimeUnit.SECONDS)).as("the writer is being created").isTrue();

    long started = System.nanoTime();
    pipeline.stop(); // throws if the pipeline failed

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("a stop does not wait for the worker")
        .isLessThan(Duration.ofSeconds(10)); // 5 s for the worker to start, not the 10 s exit grace
    assertThat(interrupted).as("the starting worker was interrupted").isTrue();
    assertThat(pipeline.completedCheckpoints()).isZero();
  }
}
