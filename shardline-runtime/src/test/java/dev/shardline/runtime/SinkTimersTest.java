package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.ProcessingTimeService;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SinkContext#processingTimeService()} and {@link SinkContext#mailbox()} on the embedded
 * runner: timers and mails run on the worker's thread, also while its source is idle, never while
 * the writer is in a call of the runner (unless it yields), and never into a writer of a later run;
 * a writer that yields is woken by its mail, and no checkpoint runs inside the yield. Time is a
 * manual clock; the real-time waits only bound a broken run.
 */
@Timeout(60)
class SinkTimersTest {
  private static final String NAME = "sink-timers";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Backoff QUICK =
      new Backoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0);

  @TempDir Path dir;

  private final ManualTime time = new ManualTime();
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
  void aTimerFiresOnTheWorkerThreadWhileTheSourceIsIdle() throws Exception {
    // Given a source that emits nothing while the clock stands, and a writer with a timer in 1 min
    List<String> fired = new CopyOnWriteArrayList<>();
    AtomicLong writes = new AtomicLong();
    Sink<Long> sink =
        context ->
            new SinkWriter<>() {
              {
                ProcessingTimeService timers = context.processingTimeService();
                long due = timers.getCurrentProcessingTime() + 60_000;
                timers.registerTimer(
                    due,
                    timestamp ->
                        fired.add(
                            Thread.currentThread().getName()
                                + " at +"
                                + (timestamp - (due - 60_000))
                                + " after "
                                + writes.get()
                                + " writes"));
              }

              @Override
              public void write(Long record) {
                writes.incrementAndGet();
              }

              @Override
              public void flush() {}
            };
    start(builder(GeneratorSource.sequence().ratePerSecond(0.001).build(), sink));
    Thread.sleep(300); // a few looks of the timer thread: not due yet
    assertThat(fired).isEmpty();

    // When the clock reaches it
    time.advance(Duration.ofMinutes(1));

    // Then it fires on the worker's thread, with no record to wake the worker
    Await.until("the timer", WAIT, () -> !fired.isEmpty());
    assertThat(fired).containsExactly("shardline-" + NAME + "-worker-0 at +60000 after 0 writes");
  }

  @Test
  void callbacksNeverOverlapWritesFlushesOrEachOtherAndDoNotStarveTheSource() throws Exception {
    // Given a source as fast as it goes, frequent checkpoints, and a callback that registers a due
    // timer again every time it runs
    AtomicInteger overlaps = new AtomicInteger();
    AtomicLong writes = new AtomicLong();
    AtomicLong callbacks = new AtomicLong();
    List<String> callbackThreads = new CopyOnWriteArrayList<>();
    Sink<Long> sink =
        context ->
            new SinkWriter<>() {
              private final AtomicBoolean busy = new AtomicBoolean();
              private final ProcessingTimeService timers = context.processingTimeService();

              {
                timers.registerTimer(timers.getCurrentProcessingTime(), this::onTimer);
              }

              private void enter() {
                if (!busy.compareAndSet(false, true)) {
                  overlaps.incrementAndGet();
                }
              }

              private void onTimer(long timestamp) {
                enter();
                try {
                  callbacks.incrementAndGet();
                  String thread = Thread.currentThread().getName();
                  if (!callbackThreads.contains(thread)) {
                    callbackThreads.add(thread);
                  }
                  timers.registerTimer(timers.getCurrentProcessingTime(), this::onTimer);
                } finally {
                  busy.set(false);
                }
              }

              @Override
              public void write(Long record) {
                enter();
                writes.incrementAndGet();
                busy.set(false);
              }

              @Override
              public void flush() {
                enter();
                busy.set(false);
              }
            };
    Pipeline pipeline = start(builder(GeneratorSource.sequence().build(), sink).parallelism(2));

    // When both run for a while (and checkpoints pass)
    Await.until(
        "writes, callbacks and checkpoints",
        WAIT,
        () ->
            writes.get() > 100_000
                && callbacks.get() > 1_000
                && pipeline.lastCheckpointId().orElse(0) > 3);
    pipeline.stop();

    // Then every callback ran on a worker thread, never inside another call
    assertThat(overlaps).hasValue(0);
    assertThat(callbackThreads)
        .allMatch(name -> name.startsWith("shardline-" + NAME + "-worker-"))
        .hasSize(2);
  }

  @Test
  void aTimerOfAWriterThatFailedDoesNotFireIntoTheWriterOfTheRestart() throws Exception {
    // Given a first writer that registers a timer and then fails, so the pipeline restarts
    AtomicInteger generations = new AtomicInteger();
    List<String> fired = new CopyOnWriteArrayList<>();
    long due = time.milliseconds() + 1_000;
    Sink<Long> sink =
        context -> {
          int generation = generations.incrementAndGet();
          ProcessingTimeService timers = context.processingTimeService();
          timers.registerTimer(due, timestamp -> fired.add("writer " + generation));
          return new SinkWriter<>() {
            @Override
            public void write(Long record) {
              if (generation == 1) {
                throw new IllegalStateException("the first writer fails");
              }
            }

            @Override
            public void flush() {}
          };
        };
    Pipeline pipeline =
        start(
            builder(GeneratorSource.sequence().build(), sink)
                .restartPolicy(RestartPolicy.of(1, QUICK)));
    Await.until("the restarted writer", WAIT, () -> generations.get() == 2);

    // When the timers of both are due
    time.advance(Duration.ofSeconds(1));

    // Then only the restarted writer's fires
    Await.until("the restarted writer's timer", WAIT, () -> !fired.isEmpty());
    pipeline.stop();
    assertThat(fired).containsExactly("writer 2");
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
        .time(time)
        .metrics(new SimpleMeterRegistry());
  }

  private Pipeline start(PipelineBuilder<Long> builder) {
    Pipeline pipeline = builder.build();
    pipelines.add(pipeline);
    pipeline.start();
    return pipeline;
  }
}
