package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.WriterMailbox;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.retry.Backoff;
import dev.shardline.time.ManualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SinkContext#mailbox()} on the embedded runner: a mail from another thread runs on the
 * worker's thread, also while its source is idle; a writer that yields is woken by its mail, and no
 * checkpoint runs inside the yield. The real-time waits only bound a broken run.
 */
@Timeout(60)
class SinkMailboxTest {
  private static final String NAME = "sink-mailbox";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Backoff QUICK =
      new Backoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0);

  @TempDir Path dir;

  private final List<Pipeline> pipelines = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopEverything() {
    for (Pipeline pipeline : pipelines) {
      try {
        pipeline.stop();
      } catch (RuntimeException e) {
        // only its threads matter here
      }
    }
  }

  @Test
  void aMailFromAnotherThreadRunsOnTheWorkerThreadWhileTheSourceIsIdle() throws Exception {
    // Given a source that emits nothing, and a writer whose I/O thread hands back a result
    List<String> ran = new CopyOnWriteArrayList<>();
    Sink<Long> sink =
        context -> {
          WriterMailbox mailbox = context.mailbox();
          Thread io =
              new Thread(
                  () ->
                      mailbox.execute(
                          () -> ran.add(Thread.currentThread().getName()), "a response"),
                  "io");
          io.start();
          return new SinkWriter<>() {
            @Override
            public void write(Long record) {}

            @Override
            public void flush() {}
          };
        };

    // When the pipeline runs
    start(builder(GeneratorSource.sequence().ratePerSecond(0.001).build(), sink));

    // Then the mail ran on the worker's thread, with no record to wake the worker
    Await.until("the mail", WAIT, () -> !ran.isEmpty());
    assertThat(ran).containsExactly("shardline-" + NAME + "-worker-0");
  }

  @Test
  void aWriteThatYieldsIsWokenByItsMailAndNoCheckpointRunsInsideTheYield() throws Exception {
    // Given a writer whose first write waits for a response that arrives only when the test says,
    // and checkpoints due every 10 ms
    CountDownLatch respond = new CountDownLatch(1);
    AtomicReference<Thread> worker = new AtomicReference<>();
    AtomicInteger flushesInYield = new AtomicInteger();
    List<String> ranInYield = new CopyOnWriteArrayList<>();
    Sink<Long> sink =
        context ->
            new SinkWriter<>() {
              private final WriterMailbox mailbox = context.mailbox();
              private boolean yielding;
              private boolean responded;

              @Override
              public void write(Long record) throws InterruptedException {
                if (worker.get() != null) {
                  return;
                }
                worker.set(Thread.currentThread());
                Thread io =
                    new Thread(
                        () -> {
                          try {
                            respond.await();
                          } catch (InterruptedException e) {
                            return;
                          }
                          mailbox.execute(
                              () -> {
                                if (yielding) {
                                  ranInYield.add(Thread.currentThread().getName());
                                }
                                responded = true;
                              },
                              "a response");
                        },
                        "io");
                io.start();
                yielding = true;
                try {
                  while (!responded) {
                    mailbox.yield();
                  }
                } finally {
                  yielding = false;
                }
              }

              @Override
              public void flush() {
                if (yielding) {
                  flushesInYield.incrementAndGet();
                }
              }
            };
    Pipeline pipeline = start(builder(GeneratorSource.sequence().build(), sink));

    // When the write has waited in its yield for many checkpoint intervals
    Await.until(
        "the write to yield",
        WAIT,
        () -> worker.get() != null && worker.get().getState() == Thread.State.WAITING);
    long checkpointsBefore = pipeline.lastCheckpointId().orElse(0);
    Thread.sleep(200); // twenty checkpoint intervals: checkpoints wait in the worker's mailbox
    assertThat(pipeline.lastCheckpointId().orElse(0)).isEqualTo(checkpointsBefore);
    respond.countDown();

    // Then the response's mail ran inside the yield, on the worker's thread; no checkpoint did, and
    // checkpoints go on once the write returned
    Await.until(
        "a checkpoint after the write",
        WAIT,
        () -> pipeline.lastCheckpointId().orElse(0) > checkpointsBefore);
    assertThat(ranInYield).containsExactly("shardline-" + NAME + "-worker-0");
    assertThat(flushesInYield).hasValue(0);
  }

  private PipelineBuilder<Long> builder(
      dev.shardline.api.Source<Long, ?, ?> source, Sink<Long> sink) {
    return Pipeline.from(source)
        .to(sink)
        .name(NAME)
        .parallelism(1)
        .checkpointInterval(Duration.ofMillis(10))
        .checkpointDirectory(dir.resolve("checkpoints"))
        .restartPolicy(RestartPolicy.of(0, QUICK))
        .time(new ManualTime())
        .metrics(new SimpleMeterRegistry());
  }

  private Pipeline start(PipelineBuilder<Long> builder) {
    Pipeline pipeline = builder.build();
    pipelines.add(pipeline);
    pipeline.start();
    return pipeline;
  }
}
