package dev.shardline.runtime.internal;

import dev.shardline.api.RetriableException;
import dev.shardline.api.Source;
import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceSplit;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.runtime.checkpoint.Checkpoint;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.runtime.checkpoint.SinkState;
import dev.shardline.runtime.checkpoint.StateBlob;
import dev.shardline.time.Time;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a pipeline, from restoring the latest checkpoint to the end of input, a graceful stop
 * or the first failure; a restart is a new {@code Execution}. {@link #run()} runs on the pipeline's
 * thread, which is the coordinator: it owns the split enumerator, the committers and the checkpoint
 * bookkeeping, and runs the messages in its FIFO mailbox one at a time (worker reports, enumerator
 * events, {@code callAsync} results, checkpoint ticks, stop requests).
 *
 * <p>This class is the main loop; each role is a small class it calls, all on this thread: {@link
 * Restore} (what the run starts from), {@link Workers} (the worker threads), {@link
 * PendingCheckpoint} (one checkpoint gathered from the workers), {@link CheckpointCommitter} (the
 * committers, and committables carried across aborted checkpoints), {@link CheckpointFailures}
 * (timed-out and unstored checkpoints against {@code checkpoint.tolerableFailures}), {@link
 * GracefulEnd} (the stop and the final checkpoint) and {@link RuntimeEnumeratorContext} (the
 * enumerator's view of the runner).
 *
 * <h2>Why every split is in exactly one place in a checkpoint</h2>
 *
 * A split lives either in the enumerator (not assigned yet) or in a reader (assigned). The
 * enumerator hands splits out only through {@link SplitEnumeratorContext#assignSplits}, on this
 * thread, and that call only appends an {@code addSplits} message to the reader's FIFO mailbox.
 * Checkpoint {@code n} starts with one step on this thread that (1) snapshots the enumerator and
 * (2) appends the barrier for {@code n} to every worker's mailbox; nothing can run on this thread
 * between (1) and (2). So for any split:
 *
 * <ul>
 *   <li>assigned before step 1: its {@code addSplits} message is ahead of the barrier in the
 *       reader's mailbox, so the reader owns it when it snapshots at the barrier: it is in the
 *       reader's state, and not in the enumerator's (which no longer holds assigned splits);
 *   <li>assigned after step 2: its message is behind the barrier, so the reader does not own it yet
 *       when it snapshots: it is not in the reader's state, and it is in the enumerator's (it was
 *       still unassigned at step 1).
 * </ul>
 *
 * No third case exists, so a split is in exactly one of the two, never lost or duplicated, and in
 * the reader's case with the position of the last record the reader handed downstream before the
 * barrier. This is the order Flink uses (coordinator checkpoint first, then barriers into the
 * sources), so connectors behave the same on both runtimes. The enumerator's state reflects the
 * reader-to-enumerator events it handled before step 1; an event a reader sends later (e.g. "split
 * finished") is not in it, so a reader keeps such facts in its own split state until the enumerator
 * acknowledges them, as on Flink.
 *
 * <p>Restore keeps the property: at the same parallelism each reader gets back exactly the splits
 * it checkpointed and the enumerator its unassigned ones; at another parallelism every reader split
 * goes back to the enumerator through {@link SplitEnumerator#addSplitsBack} (called after {@link
 * SplitEnumerator#start()} and before the first {@link SplitEnumerator#addReader}, when every
 * reader is registered already), so the source's own assignment function spreads them over all the
 * new readers, as on a fresh start.
 */
public final class Execution {
  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);
  private static final Duration WORKER_EXIT_GRACE = Duration.ofSeconds(10);

  /**
   * How often the coordinator compares the pending checkpoint's age with {@code
   * checkpoint.timeout}; a shorter timeout is checked as often as it is long. Frequent enough that
   * a test moving a manual clock sees the timeout at once, cheap enough to be unnoticeable.
   */
  private static final Duration TIMEOUT_CHECK_PERIOD = Duration.ofMillis(100);

  /**
   * A pending checkpoint logs a WARN each time it has waited this long more ({@link
   * CheckpointFailures#slow}), until it completes or {@code checkpoint.timeout} ends it.
   */
  static final Duration SLOW_CHECKPOINT_WARNING = Duration.ofSeconds(30);

  /** On the system clock a coarser look is enough: timeouts are minutes, and idle CPU counts. */
  private static final Duration TIMEOUT_CHECK_PERIOD_SYSTEM_TIME = Duration.ofSeconds(1);

  private static final AtomicInteger THREADS = new AtomicInteger();

  /** How an execution ended when it did not fail. */
  public enum Outcome {
    /** Every reader reached the end of its input; the final checkpoint is committed. */
    FINISHED,
    /** Stopped on request; the final checkpoint is committed. */
    STOPPED
  }

  private final PipelineSpec spec;
  private final CheckpointStore store;
  private final PipelineMetrics metrics;
  private final LongConsumer onCheckpointCompleted;
  private final LinkedBlockingQueue<Action> mailbox = new LinkedBlockingQueue<>();
  private final int parallelism;
  private final Time time;
  private final Duration checkpointTimeout;

  // owned by the coordinator thread
  private final Workers workers;
  private final CheckpointCommitter committer;
  private final GracefulEnd end;
  private CheckpointFailures failures; // made once the restore point is known
  private Source<Object, SourceSplit, Object> source;
  private SplitEnumerator<SourceSplit, Object> enumerator;
  private RuntimeEnumeratorContext enumeratorContext;
  private ScheduledExecutorService executor;
  // only decides when a writer's due timers go into its worker's mailbox; see MailboxTimerService
  private ScheduledExecutorService timerScheduler;
  private long nextCheckpointId;
  private PendingCheckpoint pending;
  // WARNs logged for the pending checkpoint so far (onTimeoutCheck)
  private long slowWarnings;
  private Outcome outcome;
  // progress of this attempt: a split assigned, or a record read, then made durable by a checkpoint
  private boolean madeProgress;
  private OptionalLong restoredCheckpointId = OptionalLong.empty();

  public Execution(
      PipelineSpec spec,
      CheckpointStore store,
      PipelineMetrics metrics,
      LongConsumer onCheckpointCompleted) {
    this(spec, store, metrics, onCheckpointCompleted, WORKER_EXIT_GRACE);
  }

  /**
   * @param workerExitGrace how long a worker may take to stop, and then to stop once interrupted
   */
  Execution(
      PipelineSpec spec,
      CheckpointStore store,
      PipelineMetrics metrics,
      LongConsumer onCheckpointCompleted,
      Duration workerExitGrace) {
    this.spec = spec;
    this.store = store;
    this.metrics = metrics;
    this.onCheckpointCompleted = onCheckpointCompleted;
    this.parallelism = spec.parallelism();
    this.time = spec.time();
    this.checkpointTimeout = spec.checkpointTimeout();
    this.workers = new Workers(spec.name(), parallelism, workerExitGrace);
    this.committer = new CheckpointCommitter(spec, metrics);
    this.end = new GracefulEnd(spec.name(), parallelism);
  }

  /** Asks for a graceful stop: a final checkpoint, then the end. Any thread; idempotent. */
  public void requestStop() {
    post(this::onStopRequested);
  }

  /**
   * Whether this attempt made progress: a checkpoint completed after the attempt had read a record
   * or assigned a split. Checkpoints alone are no progress (a source that cannot reach its server
   * completes empty ones), so the restart policy counts failures in a row until this is true.
   */
  public boolean madeProgress() {
    return madeProgress;
  }

  /** The checkpoint this execution restored, if any; read after {@link #run()} returned. */
  public OptionalLong restoredCheckpointId() {
    return restoredCheckpointId;
  }

  PipelineMetrics metrics() {
    return metrics;
  }

  /** The thread that tells workers when their writers' timers are due; exists once workers run. */
  ScheduledExecutorService timerScheduler() {
    return timerScheduler;
  }

  void post(Action action) {
    mailbox.add(action);
  }

  /**
   * Runs until the end of input or a graceful stop (returning how it ended) or the first failure
   * (thrown; a {@link FatalPipelineException} when no restart can fix it, such as a worker that
   * does not stop).
   */
  @SuppressWarnings("unchecked")
  public Outcome run() throws Exception {
    source = (Source<Object, SourceSplit, Object>) spec.source();
    try {
      Restore restore = Restore.load(spec, store, source);
      restoredCheckpointId = restore.restoredCheckpointId();
      nextCheckpointId = restore.firstCheckpointId();
      failures = new CheckpointFailures(spec, store, metrics, workers, restoredCheckpointId);
      start(restore);
      while (outcome == null) {
        mailbox.take().run();
      }
    } catch (Throwable t) {
      try {
        stopWorkers(false);
      } catch (FatalPipelineException stuck) {
        // on the cause, which is what PipelineFailedException keeps
        stuck.getCause().addSuppressed(t);
        throw stuck;
      } finally {
        closeCoordinatorSide();
      }
      throw t;
    }
    try {
      stopWorkers(!end.isWithoutFinalCheckpoint());
      // the readers are closed: what the pipeline holds until its end goes now; a failed run
      // (above) skips this, as a restart would need it again
      notifyPipelineEnded();
    } finally {
      closeCoordinatorSide();
    }
    return outcome;
  }

  private void start(Restore restore) throws Exception {
    // 1. committers first, and the restored checkpoint's committables committed again, before any
    //    writer exists: a new writer may then discard whatever a crashed one left uncommitted
    committer.createCommitters(restoredCheckpointId, nextCheckpointId);
    Optional<Checkpoint> checkpoint = restore.checkpoint();
    if (checkpoint.isPresent()) {
      committer.commit(checkpoint.get().id(), checkpoint.get().sinks());
    }

    // 2. what each worker starts from
    List<List<SourceSplit>> readerSplits = restore.readerSplits();
    for (int i = 0; i < parallelism; i++) {
      workers.set(i, new Worker(i, this, spec, restore.workerSetup(i, readerSplits), metrics));
    }

    // 3. the enumerator, on this thread
    executor = Executors.newScheduledThreadPool(2, daemonThreads("async"));
    ScheduledThreadPoolExecutor timerThread =
        new ScheduledThreadPoolExecutor(1, daemonThreads("timers"));
    timerThread.setRemoveOnCancelPolicy(true);
    timerScheduler = timerThread;
    enumeratorContext = new RuntimeEnumeratorContext(spec, workers, executor, this::post, metrics);
    enumerator = restore.enumerator(enumeratorContext);
    workers.start();
    enumerator.start();
    restore.handSplitsBack(enumerator, readerSplits);
    // every reader is registered before the first addReader, so the enumerator spreads what it
    // holds over all of them (one at a time, the first reader would get every pending split)
    for (int i = 0; i < parallelism; i++) {
      enumeratorContext.registerReader(i);
    }
    for (int i = 0; i < parallelism; i++) {
      enumerator.addReader(i);
    }
    long intervalMillis = spec.checkpointInterval().toMillis();
    executor.scheduleWithFixedDelay(
        () -> post(this::onCheckpointTick), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    long checkMillis =
        Math.max(
            1,
            Math.min(
                checkpointTimeout.toMillis(),
                (time == Time.SYSTEM ? TIMEOUT_CHECK_PERIOD_SYSTEM_TIME : TIMEOUT_CHECK_PERIOD)
                    .toMillis()));
    executor.scheduleWithFixedDelay(
        () -> post(this::onTimeoutCheck), checkMillis, checkMillis, TimeUnit.MILLISECONDS);
  }

  /** Daemon threads named {@code shardline-<pipeline>-<kind>-<n>}. */
  private ThreadFactory daemonThreads(String kind) {
    return r -> {
      Thread t =
          new Thread(r, "shardline-" + spec.name() + "-" + kind + "-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // --- messages ---

  private void onCheckpointTick() throws Exception {
    if (pending == null && !end.isEnding()) {
      triggerCheckpoint(false);
    }
  }

  private void onStopRequested() throws Exception {
    if (!end.isEnding() && !workers.stillStarting().isEmpty()) {
      executor.schedule(
          () -> post(this::onStartingGraceOver),
          GracefulEnd.STARTING_GRACE.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    if (end.stopRequested() && pending == null) {
      triggerCheckpoint(true);
    }
  }

  /**
   * A stop came while a worker was still creating its reader or writers, and {@link
   * GracefulEnd#STARTING_GRACE} later it still is (waiting on a server that is down, say): it
   * cannot answer the final checkpoint's barrier, so the run stops without one and that worker is
   * interrupted. What the other workers read since the last checkpoint is read again.
   */
  private void onStartingGraceOver() {
    List<Integer> starting = workers.stillStarting();
    if (outcome != null || starting.isEmpty()) {
      return;
    }
    end.giveUpFinalCheckpoint(workers.describe(starting), failures.lastCompleted());
    if (pending != null) {
      abort(pending);
    }
    outcome = Outcome.STOPPED;
  }

  void onEndOfInput(int reader) throws Exception {
    if (end.readerEnded(reader) && pending == null) {
      triggerCheckpoint(true);
    }
  }

  void onSourceEvent(int reader, SourceEvent event) {
    enumerator.handleSourceEvent(reader, event);
  }

  /** Step 1 and 2 of the class comment, in one step on this thread. */
  private void triggerCheckpoint(boolean isFinal) throws Exception {
    long id = nextCheckpointId++;
    long startNanos = time.nanoseconds();
    slowWarnings = 0;
    StateBlob enumeratorState =
        StateBlob.of(source.enumeratorStateSerializer(), enumerator.snapshotState(id));
    pending =
        new PendingCheckpoint(
            id,
            time.milliseconds(),
            startNanos,
            enumeratorState,
            isFinal,
            parallelism,
            enumeratorContext.splitAssigned());
    workers.checkpoint(id, isFinal);
  }

  void onSnapshot(WorkerSnapshot snapshot) throws Exception {
    if (committer.takeLateAnswer(snapshot)) {
      return;
    }
    if (pending == null || pending.id() != snapshot.checkpointId()) {
      throw new IllegalStateException(
          "Worker "
              + snapshot.worker()
              + " reported checkpoint "
              + snapshot.checkpointId()
              + ", but the pending checkpoint is "
              + (pending == null ? "none" : pending.id()));
    }
    if (pending.acknowledge(snapshot)) {
      complete(pending);
    }
  }

  private void complete(PendingCheckpoint done) throws Exception {
    Map<String, SinkState> sinks = done.sinkStates(spec.sinkIds(), committer);
    Checkpoint checkpoint = done.toCheckpoint(spec.name(), source.identity(), sinks);
    long size;
    try {
      size = store.store(checkpoint);
    } catch (IOException | RetriableException e) {
      // aborted like one that timed out; see CheckpointFailures#storeFailed
      abort(done);
      failures.storeFailed(done.id(), e, end.outcome());
      return;
    }
    pending = null;
    if (done.madeProgress()) {
      madeProgress = true;
    }
    committer.carriedStored();
    failures.completed(done.id());

    enumerator.notifyCheckpointComplete(done.id());
    workers.notifyCheckpointComplete(done.id());
    // in the pipeline's order of sinks, not the checkpoint's (sorted by id)
    committer.commit(done.id(), sinks);
    long durationNanos = time.nanoseconds() - done.startNanos();
    metrics.checkpointCompleted(done.id(), durationNanos, size);
    LOG.debug(
        "Pipeline '{}': checkpoint {} complete ({} bytes, {} ms)",
        spec.name(),
        done.id(),
        size,
        TimeUnit.NANOSECONDS.toMillis(durationNanos));
    onCheckpointCompleted.accept(done.id());

    if (done.isFinal()) {
      outcome = end.outcome();
    } else if (end.isEnding()) {
      // records went downstream after this checkpoint's barrier: one more, final, checkpoint
      triggerCheckpoint(true);
    }
  }

  private void onTimeoutCheck() throws Exception {
    if (pending == null) {
      return;
    }
    long now = time.nanoseconds();
    if (pending.isTimedOut(now, checkpointTimeout)) {
      PendingCheckpoint late = pending;
      List<Integer> unanswered = late.unanswered();
      abort(late);
      committer.expectLateAnswers(late.id(), unanswered);
      failures.timedOut(late.id(), unanswered, end.outcome());
    } else {
      long waited = now - pending.startNanos();
      long periods = waited / SLOW_CHECKPOINT_WARNING.toNanos();
      if (periods > slowWarnings) {
        slowWarnings = periods;
        failures.slow(
            pending.id(),
            pending.isFinal(),
            end.isEnding(),
            Duration.ofSeconds(TimeUnit.NANOSECONDS.toSeconds(waited)),
            pending.unanswered());
      }
    }
  }

  /** Bookkeeping common to every aborted checkpoint; the caller counts it in the meter. */
  private void abort(PendingCheckpoint aborted) {
    pending = null;
    failures.aborted();
    committer.carry(aborted);
  }

  /** Stops the async and timer threads, then the workers ({@link Workers#stop}). */
  private void stopWorkers(boolean drain) throws Exception {
    if (executor != null) {
      executor.shutdownNow();
    }
    if (timerScheduler != null) {
      timerScheduler.shutdownNow();
    }
    workers.stop(drain);
  }

  private void notifyPipelineEnded() {
    try {
      enumerator.notifyPipelineEnded();
    } catch (Exception e) {
      LOG.warn(
          "Pipeline '{}': the split enumerator failed to release what it held until the end",
          spec.name(),
          e);
    }
  }

  private void closeCoordinatorSide() {
    closeQuietly(spec.name(), enumerator, "the split enumerator");
    committer.close();
  }

  /** Closes {@code closeable} (may be null), logging a failure to close {@code what}. */
  static void closeQuietly(String pipelineName, AutoCloseable closeable, String what) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("Pipeline '{}': closing {} failed", pipelineName, what, e);
    }
  }
}
