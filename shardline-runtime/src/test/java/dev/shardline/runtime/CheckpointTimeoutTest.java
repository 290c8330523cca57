package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.checkpoint.Checkpoint;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.runtime.checkpoint.DirectoryCheckpointStore;
import dev.shardline.runtime.checkpoint.StateBlob;
import dev.shardline.runtime.internal.CheckpointTimeoutException;
import dev.shardline.testkit.logging.StandardError;
import dev.shardline.time.ManualTime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code checkpoint.timeout} and {@code checkpoint.tolerableFailures}. Every timeout here is
 * reached by moving a manual clock past it while a sink's flush is blocked, so no test depends on
 * the machine's speed; the real-time waits only bound a broken run.
 */
@Timeout(60) // runs pipelines: a regression could keep one running
class CheckpointTimeoutTest {
  private static final String NAME = "ckpt-timeout";
  private static final Duration TIMEOUT = Duration.ofMinutes(1);
  private static final Duration INTERVAL = Duration.ofMillis(10);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Backoff QUICK =
      new Backoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0);

  @TempDir Path dir;

  private final ManualTime time = new ManualTime();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<GatedSink<?, ?>> sinks = new ArrayList<>();
  private final List<Pipeline> pipelines = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  @AfterEach
  void releaseAndStopEverything() throws InterruptedException {
    sinks.forEach(GatedSink::openGate);
    for (Pipeline pipeline : pipelines) {
      try {
        pipeline.stop();
      } catch (RuntimeException e) {
        // the test looked at how it ended; only its threads matter here
      }
    }
    for (Thread thread : threads) {
      thread.join(WAIT.toMillis());
    }
  }

  @Test
  void aCheckpointThatTimesOutIsAbortedUnstoredAndCountedAndCheckpointsResumeOnceTheSinkIsBack()
      throws Exception {
    // Given two workers, writer 0's flush blocked with a record of its checkpoint before it, and
    // one tolerated failure
    Path out = dir.resolve("out");
    GatedSink<Object, ?> sink = gated(FileSink.lines(out).build(), 0);
    Pipeline pipeline = start(builder(sink, 2).tolerableCheckpointFailures(1));
    readSomeAndCheckpoint(pipeline);
    sink.closeGateOnNextRecord();
    time.advance(Duration.ofMillis(50));
    Await.until("writer 0 blocked in flush", WAIT, () -> sink.blockedWriters() == 1);
    long blocked = sink.prepareCommits(0) + 1;

    // When the timeout passes
    String log =
        StandardError.during(
            () -> {
              time.advance(TIMEOUT);
              Await.until("the checkpoint to time out", WAIT, () -> failed("timeout") == 1);
            });

    // Then it is aborted: logged, counted, not stored, nothing committed, no restart
    assertThat(log)
        .contains("WARN")
        .contains("checkpoint " + blocked + " timed out after 1m (checkpoint.timeout)")
        .contains(
            "worker 0 (thread shardline-ckpt-timeout-worker-0, in " + GatedSink.class.getName())
        .contains("the restore point is still checkpoint " + (blocked - 1))
        .contains("1 checkpoint(s) failed in a row, 1 tolerated")
        .contains("the next checkpoint starts after the interval");
    // no checkpoint started while the blocked one was pending: writer 1 took no later barrier
    // (after the abort the next one may start)
    assertThat(sink.prepareCommits(1)).isBetween((int) blocked, (int) blocked + 1);
    assertThat(storedIds()).isNotEmpty().allMatch(id -> id < blocked);
    assertThat(pipeline.lastCheckpointId()).hasValue(blocked - 1);
    assertThat(committedParts(out)).noneMatch(name -> name.endsWith(checkpointPart(blocked)));

    // When the sink's server is back, the next checkpoint completes
    sink.openGate();
    Await.until(
        "a checkpoint after the aborted one",
        WAIT,
        () -> pipeline.lastCheckpointId().orElse(0) > blocked);
    pipeline.stop();

    // and holds the aborted checkpoint's transaction too: everything read is committed, once
    assertThat(storedIds()).doesNotContain(blocked).contains(blocked + 1);
    assertThat(committedParts(out))
        .as("writer 0's part of the aborted checkpoint, committed with the next one")
        .anyMatch(name -> name.endsWith("-00000-" + checkpointPart(blocked)));
    List<Long> committed = CommittedFiles.lines(out).stream().map(Long::parseLong).toList();
    assertThat(committed).doesNotHaveDuplicates().hasSize((int) recordsIn());
    assertThat(CommittedFiles.inProgress(out)).isEmpty();
    assertThat(failed("timeout")).isEqualTo(1);
    assertThat(restarts()).isZero();
  }

  @Test
  void beyondTheToleratedFailuresTheRunFailsAndRestartsFromTheLastCompleteCheckpoint()
      throws Exception {
    // Given one worker whose flush blocks, no tolerated failure and one restart
    Path out = dir.resolve("out");
    GatedSink<Object, ?> sink = gated(FileSink.lines(out).build(), 0);
    Pipeline pipeline = start(builder(sink, 1).restartPolicy(RestartPolicy.of(1, QUICK)));
    readSomeAndCheckpoint(pipeline);
    sink.closeGateOnNextRecord();
    time.advance(Duration.ofMillis(50));
    Await.until("writer 0 blocked in flush", WAIT, () -> sink.blockedWriters() == 1);
    long blocked = sink.prepareCommits(0) + 1;
    Await.until(
        "the checkpoint before it",
        WAIT,
        () -> pipeline.lastCheckpointId().orElse(0) == blocked - 1);

    // When its checkpoint times out
    time.advance(TIMEOUT);
    Await.until("the checkpoint to time out", WAIT, () -> failed("timeout") == 1);
    // (the failed run's worker can stop at once; otherwise it would be interrupted)
    sink.openGate();

    // Then the pipeline restarts from the last complete checkpoint and checkpoints again
    Await.until("a restart", WAIT, () -> restarts() == 1);
    Await.until(
        "a checkpoint of the new run",
        WAIT,
        () -> pipeline.lastCheckpointId().orElse(0) >= blocked);
    time.advance(Duration.ofMillis(50));
    pipeline.stop();

    // with no record lost or duplicated
    List<Long> committed =
        CommittedFiles.lines(out).stream().map(Long::parseLong).sorted().toList();
    assertThat(committed)
        .isNotEmpty()
        .isEqualTo(LongStream.range(0, committed.size()).boxed().toList());
    assertThat(CommittedFiles.inProgress(out)).isEmpty();
    assertThat(failed("timeout")).isEqualTo(1);
  }

  @Test
  void whenNoRestartIsLeftTheErrorNamesTheCheckpointTheSilentWorkersAndTheFix() throws Exception {
    // Given writer 0 of 2 blocked, one tolerated failure and no restart
    Path out = dir.resolve("out");
    GatedSink<Object, ?> sink = gated(FileSink.lines(out).build(), 0);
    Pipeline pipeline =
        start(
            builder(sink, 2)
                .tolerableCheckpointFailures(1)
                .restartPolicy(RestartPolicy.of(0, QUICK)));
    readSomeAndCheckpoint(pipeline);
    sink.closeGateOnNextRecord();
    time.advance(Duration.ofMillis(50));
    Await.until("writer 0 blocked in flush", WAIT, () -> sink.blockedWriters() == 1);
    long blocked = sink.prepareCommits(0) + 1;

    // When that checkpoint and the next time out (writer 1 took the next one's barrier: it started)
    time.advance(TIMEOUT);
    Await.until("the first timeout", WAIT, () -> failed("timeout") == 1);
    Await.until("the next checkpoint", WAIT, () -> sink.prepareCommits(1) == blocked + 1);
    time.advance(TIMEOUT);
    Await.until("the second timeout", WAIT, () -> failed("timeout") == 2);
    sink.openGate();

    // Then the pipeline fails saying which checkpoint, which worker, the restore point and the fix
    assertThatThrownBy(pipeline::await)
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageContaining("gave up after 0 restart(s)")
        .satisfies(
            e -> {
              Throwable cause = e.getCause();
              assertThat(cause).isInstanceOf(CheckpointTimeoutException.class);
              assertThat(((CheckpointTimeoutException) cause).checkpointId())
                  .isEqualTo(blocked + 1);
              assertThat(cause.getMessage())
                  .contains(
                      "checkpoint " + (blocked + 1) + " timed out after 1m (checkpoint.timeout)")
                  .contains("worker 0 (thread shardline-ckpt-timeout-worker-0")
                  .doesNotContain("worker 1")
                  .contains("2 failed checkpoint(s) in a row, more than")
                  .contains("checkpoint.tolerableFailures (1)")
                  .contains("the last complete checkpoint is " + (blocked - 1))
                  .contains("Raise checkpoint.timeout")
                  .contains("reachable");
              assertThat(cause.getSuppressed())
                  .anySatisfy(
                      s ->
                          assertThat(s)
                              .hasMessage(
                                  "Stack of shardline-ckpt-timeout-worker-0 when the checkpoint"
                                      + " timed out"));
            });
    assertThat(storedIds()).isNotEmpty().allMatch(id -> id < blocked);
  }

  @Test
  void aCompletedCheckpointResetsTheCountOfFailuresInARow() throws Exception {
    // Given one tolerated failure
    Path out = dir.resolve("out");
    GatedSink<Object, ?> sink = gated(FileSink.lines(out).build(), 0);
    Pipeline pipeline = start(builder(sink, 1).tolerableCheckpointFailures(1));
    readSomeAndCheckpoint(pipeline);

    // When two checkpoints time out, with a completed one between them
    for (int round = 1; round <= 2; round++) {
      sink.closeGateOnNextRecord();
      time.advance(Duration.ofMillis(50));
      Await.until("writer 0 blocked in flush", WAIT, () -> sink.blockedWriters() == 1);
      long blocked = sink.prepareCommits(0) + 1;
      time.advance(TIMEOUT);
      int failures = round;
      Await.until("timeout " + round, WAIT, () -> failed("timeout") == failures);
      sink.openGate();
      Await.until(
          "a checkpoint after timeout " + round,
          WAIT,
          () -> pipeline.lastCheckpointId().orElse(0) > blocked);
    }

    // Then the run goes on: neither failure was the second in a row
    assertThat(pipeline.isDone()).isFalse();
    assertThat(restarts()).isZero();
    pipeline.stop();
    List<Long> committed =
        CommittedFiles.lines(out).stream().map(Long::parseLong).sorted().toList();
    assertThat(committed)
        .hasSize((int) recordsIn())
        .isEqualTo(LongStream.range(0, committed.size()).boxed().toList());
  }

  @Test
  void aFinalCheckpointThatTimesOutEndsTheStopWithAnErrorNamingTheRestorePoint() throws Exception {
    // Given a checkpoint 1 from an earlier run, and a sink whose flush now blocks
    GatedSink<Object, ?> sink = blockedSinkAfterAnEarlierRunsCheckpoint1();
    Pipeline pipeline = start(builder(sink, 1).checkpointInterval(Duration.ofHours(1)));

    // When it is stopped and its final checkpoint times out
    AtomicReference<Throwable> stopped = new AtomicReference<>();
    Thread stopper =
        thread(
            () -> {
              try {
                pipeline.stop();
              } catch (Throwable t) {
                stopped.set(t);
              }
            });
    Await.until("the final checkpoint's flush", WAIT, () -> sink.blockedWriters() == 1);
    time.advance(TIMEOUT);
    Await.until("the final checkpoint to time out", WAIT, () -> failed("timeout") == 1);
    sink.openGate();
    stopper.join(WAIT.toMillis());

    // Then stop() returns with an error naming the last complete checkpoint, and nothing is stored
    assertThat(stopper.isAlive()).isFalse();
    assertThat(stopped.get())
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageContaining("failed while stopping")
        .hasMessageContaining(
            "could not take its final checkpoint while stopping: checkpoint 2 timed out after 1m")
        .hasMessageContaining("worker 0")
        .hasMessageContaining("the last complete checkpoint is 1, and the next start restores it");
    assertThat(storedIds()).containsExactly(1L);
    assertThat(pipeline.isDone()).isTrue();
  }

  /**
   * Runs a pipeline that stops after checkpoint 1, then returns a file sink on the same output
   * whose flush blocks (gate closed) for the run under test.
   */
  private GatedSink<Object, ?> blockedSinkAfterAnEarlierRunsCheckpoint1() throws Exception {
    Pipeline first =
        start(
            builder(gated(FileSink.lines(dir.resolve("out")).build()), 1)
                .checkpointInterval(Duration.ofHours(1))
                .metrics(new SimpleMeterRegistry()));
    first.stop();
    assertThat(first.lastCheckpointId()).hasValue(1);
    GatedSink<Object, ?> sink = gated(FileSink.lines(dir.resolve("out")).build(), 0);
    sink.closeGate();
    return sink;
  }

  @Test
  void aStopWhoseFinalCheckpointWaitsOnASlowSinkSaysSoEveryHalfMinute() throws Exception {
    // Given a checkpoint 1 from an earlier run, and a sink whose flush now blocks
    GatedSink<Object, ?> sink = blockedSinkAfterAnEarlierRunsCheckpoint1();
    Pipeline pipeline =
        start(
            builder(sink, 1)
                .checkpointInterval(Duration.ofHours(1))
                .checkpointTimeout(Duration.ofMinutes(5)));
    Thread stopper = thread(pipeline::stop);
    Await.until("the final checkpoint's flush", WAIT, () -> sink.blockedWriters() == 1);

    // When the final checkpoint has waited 29 s, then 30 s, then 65 s
    String log =
        StandardError.during(
            soFar -> {
              time.advance(Duration.ofSeconds(29));
              Thread.sleep(300); // several looks at the pending checkpoint: none warns yet
              time.advance(Duration.ofSeconds(1));
              Await.until("a warning", WAIT, () -> soFar.get().contains("has waited"));
              time.advance(Duration.ofSeconds(35));
              Await.until("a second warning", WAIT, () -> soFar.get().contains("has waited 65s"));
            });
    sink.openGate();
    stopper.join(WAIT.toMillis());

    // Then each 30 s of waiting logged one WARN naming the checkpoint, the worker and where it is,
    // the timeout and the restore point; and the stop then completed as usual
    assertThat(log.lines().filter(l -> l.contains("has waited")))
        .containsExactly(
            log.lines().filter(l -> l.contains("has waited 30s")).findFirst().orElseThrow(),
            log.lines().filter(l -> l.contains("has waited 65s")).findFirst().orElseThrow());
    assertThat(log)
        .contains("WARN")
        .contains("Pipeline '" + NAME + "': stopping, the final checkpoint 2 has waited 30s for")
        .contains(
            "worker 0 (thread shardline-ckpt-timeout-worker-0, in " + GatedSink.class.getName())
        .contains("it times out after 5m (checkpoint.timeout)")
        .contains("and then the stop fails and the next start restores checkpoint 1");
    assertThat(stopper.isAlive()).isFalse();
    assertThat(storedIds()).containsExactly(1L, 2L);
  }

  @Test
  void aCheckpointTheStoreCannotWriteIsToleratedAndItsTransactionsGoWithTheNextOne()
      throws Exception {
    // Given a store that fails to store the first checkpoint holding a committable
    Path out = dir.resolve("out");
    FailingOnceStore store =
        new FailingOnceStore(DirectoryCheckpointStore.open(dir.resolve("checkpoints"), 100));
    Pipeline pipeline =
        start(
            builder(gated(FileSink.lines(out).build()), 1)
                .checkpointStore(store)
                .tolerableCheckpointFailures(1));

    // When records flow and a checkpoint with their part cannot be stored
    awaitReadersPaced(pipeline);
    time.advance(Duration.ofMillis(50));
    Await.until("the store to fail", WAIT, () -> failed("store") == 1);
    Checkpoint lost = store.failed.get();
    Await.until(
        "a checkpoint after it", WAIT, () -> pipeline.lastCheckpointId().orElse(0) > lost.id());
    pipeline.stop();

    // Then the next stored checkpoint holds its committables, and all output is committed once
    Checkpoint next = store.stored.stream().filter(c -> c.id() == lost.id() + 1).findFirst().get();
    assertThat(next.sinks().get("sink-0").allCommittables())
        .containsAll(lost.sinks().get("sink-0").allCommittables());
    List<Long> committed =
        CommittedFiles.lines(out).stream().map(Long::parseLong).sorted().toList();
    assertThat(committed)
        .hasSize((int) recordsIn())
        .isEqualTo(LongStream.range(0, committed.size()).boxed().toList());
    assertThat(CommittedFiles.inProgress(out)).isEmpty();
    assertThat(restarts()).isZero();
  }

  // --- helpers ---

  private <C> GatedSink<Object, C> gated(
      dev.shardline.api.TransactionalSink<Object, C> sink, Integer... gatedWriters) {
    GatedSink<Object, C> gated = new GatedSink<>(sink, gatedWriters);
    sinks.add(gated);
    return gated;
  }

  private PipelineBuilder<Long> builder(GatedSink<Object, ?> sink, int parallelism) {
    // paced by the manual clock: records flow only when a test moves it
    return Pipeline.from(GeneratorSource.sequence().ratePerSecond(2_000).build())
        .to(sink)
        .name(NAME)
        .parallelism(parallelism)
        .checkpointInterval(INTERVAL)
        .checkpointTimeout(TIMEOUT)
        .checkpointDirectory(dir.resolve("checkpoints"))
        .retainedCheckpoints(100)
        .restartPolicy(RestartPolicy.of(0, QUICK))
        .time(time)
        .metrics(registry);
  }

  private Pipeline start(PipelineBuilder<Long> builder) {
    Pipeline pipeline = builder.build();
    pipelines.add(pipeline);
    pipeline.start();
    return pipeline;
  }

  private Thread thread(Runnable body) {
    Thread thread = new Thread(body, "test-stopper");
    threads.add(thread);
    thread.start();
    return thread;
  }

  /**
   * Lets records flow and waits for a checkpoint holding some: until the sink has committed
   * records. A checkpoint that completes after the first record was counted need not hold it (its
   * barrier may have gone out first); waiting for that one let beyondTheToleratedFailures... commit
   * nothing before its timeout, about 1 run in 60 under load. The clock moves one checkpoint
   * interval per look, so that a next checkpoint starts.
   */
  private void readSomeAndCheckpoint(Pipeline pipeline) throws Exception {
    awaitReadersPaced(pipeline);
    time.advance(Duration.ofMillis(50));
    Path out = dir.resolve("out");
    Await.until(
        "a checkpoint holding records",
        WAIT,
        () -> {
          if (!CommittedFiles.lines(out).isEmpty()) {
            return true;
          }
          time.advance(INTERVAL);
          return false;
        });
  }

  /**
   * Waits until every reader holds its splits, which it is given before the first barrier: the
   * generator paces from then, so only time advanced after this lets records through.
   */
  private static void awaitReadersPaced(Pipeline pipeline) throws Exception {
    Await.until("a first checkpoint", WAIT, () -> pipeline.completedCheckpoints() >= 1);
  }

  private double failed(String reason) {
    return registry
        .get("shardline.pipeline.checkpoints.failed")
        .tag("reason", reason)
        .counter()
        .count();
  }

  private double restarts() {
    return registry.get("shardline.pipeline.restarts").counter().count();
  }

  private long recordsIn() {
    return (long)
        registry.find("shardline.pipeline.records.in").functionCounters().stream()
            .mapToDouble(FunctionCounter::count)
            .sum();
  }

  private List<Long> storedIds() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("checkpoints"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("checkpoint-\\d+\\.ckpt"))
          .map(n -> Long.parseLong(n.substring("checkpoint-".length(), n.length() - 5)))
          .sorted()
          .toList();
    }
  }

  private static List<String> committedParts(Path out) throws IOException {
    if (!Files.isDirectory(out)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(out)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("part-")).toList();
    }
  }

  private static String checkpointPart(long checkpointId) {
    return String.format("%020d.txt", checkpointId);
  }

  /** Stores through a directory store, but fails the first checkpoint that holds a committable. */
  private static final class FailingOnceStore implements CheckpointStore {
    final DirectoryCheckpointStore delegate;
    final AtomicReference<Checkpoint> failed = new AtomicReference<>();
    final List<Checkpoint> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicBoolean armed = new AtomicBoolean(true);

    FailingOnceStore(DirectoryCheckpointStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<Checkpoint> latest() throws IOException {
      return delegate.latest();
    }

    @Override
    public long store(Checkpoint checkpoint) throws IOException {
      List<StateBlob> committables = checkpoint.sinks().get("sink-0").allCommittables();
      if (!committables.isEmpty() && armed.compareAndSet(true, false)) {
        failed.set(checkpoint);
        throw new IOException("No space left on device (injected)");
      }
      long size = delegate.store(checkpoint);
      stored.add(checkpoint);
      return size;
    }

    @Override
    public String location() {
      return delegate.location();
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
