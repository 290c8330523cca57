package dev.shardline.runtime.internal;

import dev.shardline.api.Committer;
import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.Source;
import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceSplit;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.api.TransactionalSink;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.PipelineOptions;
import dev.shardline.runtime.checkpoint.Checkpoint;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.runtime.checkpoint.SinkState;
import dev.shardline.runtime.checkpoint.StateBlob;
import dev.shardline.state.VersionedSerializer;
import dev.shardline.time.Time;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
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
  private static final Backoff COMMIT_BACKOFF =
      new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), 0.2);
  private static final int COMMIT_ATTEMPTS = 5;
  private static final Duration WORKER_EXIT_GRACE = Duration.ofSeconds(10);
  // how long a stop waits for workers still creating their readers and writers before it gives up
  // the final checkpoint; creating them takes milliseconds unless a server does not answer
  private static final Duration STARTING_STOP_GRACE = Duration.ofSeconds(5);

  /**
   * How often the coordinator compares the pending checkpoint's age with {@code
   * checkpoint.timeout}; a shorter timeout is checked as often as it is long. Frequent enough that
   * a test moving a manual clock sees the timeout at once, cheap enough to be unnoticeable.
   */
  private static final Duration TIMEOUT_CHECK_PERIOD = Duration.ofMillis(100);

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
  private final int tolerableCheckpointFailures;

  // owned by the coordinator thread
  private Source<Object, SourceSplit, Object> source;
  private SplitEnumerator<SourceSplit, Object> enumerator;
  private RuntimeEnumeratorContext enumeratorContext;
  private final Workers workers;
  private final Map<String, Committer<Object>> committers = new LinkedHashMap<>();
  private final Map<String, VersionedSerializer<Object>> committableSerializers = new HashMap<>();
  private final Set<Integer> endedReaders = new TreeSet<>();
  private ScheduledExecutorService executor;
  // only decides when a writer's due timers go into its worker's mailbox; see MailboxTimerService
  private ScheduledExecutorService timerScheduler;
  private long nextCheckpointId;
  private PendingCheckpoint pending;
  private long lastCompletedCheckpointId = -1;
  private int failedCheckpointsInARow;
  // Committables of aborted checkpoints, by sink id and then worker: their transactions are closed
  // (prepareCommit ran) and the source positions of the next checkpoint are past their records, so
  // they are stored and committed with the next checkpoint that completes, never dropped.
  private final Map<String, List<List<StateBlob>>> carriedCommittables = new HashMap<>();
  // aborted checkpoints -> the workers that had not answered them yet (they still will)
  private final Map<Long, Set<Integer>> unansweredAborted = new HashMap<>();
  private Outcome finalOutcome;
  // a stop while a worker was still starting: no final checkpoint, workers interrupted at once
  private boolean stopWithoutCheckpoint;
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
    this.workers = new Workers(spec.name(), parallelism, workerExitGrace);
    this.checkpointTimeout = spec.checkpointTimeout();
    this.tolerableCheckpointFailures = spec.tolerableCheckpointFailures();
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
      lastCompletedCheckpointId = restoredCheckpointId.orElse(-1);
      nextCheckpointId = restore.firstCheckpointId();
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
      stopWorkers(!stopWithoutCheckpoint);
    } finally {
      closeCoordinatorSide();
    }
    return outcome;
  }

  @SuppressWarnings("unchecked")
  private void start(Restore restore) throws Exception {
    // 1. committers first, and the restored checkpoint's committables committed again, before any
    //    writer exists: a new writer may then discard whatever a crashed one left uncommitted
    for (String sinkId : spec.sinkIds()) {
      Sink<?> sink = spec.sink(sinkId);
      if (sink instanceof TransactionalSink<?, ?> transactional) {
        SinkContext context =
            new RuntimeSinkContext(
                sinkId,
                0,
                parallelism,
                spec.name(),
                DeadLetters.notConfigured(spec.name()),
                metrics.tagged("sink", sinkId, "committer", "0"),
                time,
                restoredCheckpointId,
                nextCheckpointId,
                null);
        committers.put(sinkId, (Committer<Object>) transactional.createCommitter(context));
        committableSerializers.put(
            sinkId, (VersionedSerializer<Object>) transactional.committableSerializer());
      }
    }
    Optional<Checkpoint> checkpoint = restore.checkpoint();
    if (checkpoint.isPresent()) {
      for (Map.Entry<String, SinkState> sink : checkpoint.get().sinks().entrySet()) {
        commit(sink.getKey(), sink.getValue().allCommittables(), checkpoint.get().id());
      }
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
    if (pending == null && finalOutcome == null) {
      triggerCheckpoint(false);
    }
  }

  private void onStopRequested() throws Exception {
    if (finalOutcome == null && !workers.stillStarting().isEmpty()) {
      executor.schedule(
          () -> post(this::onStartingGraceOver),
          STARTING_STOP_GRACE.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    if (finalOutcome == null) {
      LOG.info("Pipeline '{}': stopping, taking a final checkpoint", spec.name());
      finalOutcome = Outcome.STOPPED;
      if (pending == null) {
        triggerCheckpoint(true);
      }
    }
  }

  /**
   * A stop came while a worker was still creating its reader or writers, and {@link
   * #STARTING_STOP_GRACE} later it still is (waiting on a server that is down, say): it cannot
   * answer the final checkpoint's barrier, so the run stops without one and that worker is
   * interrupted. What the other workers read since the last checkpoint is read again.
   */
  private void onStartingGraceOver() {
    List<Integer> starting = workers.stillStarting();
    if (outcome != null || starting.isEmpty()) {
      return;
    }
    LOG.info(
        "Pipeline '{}': stopping without a final checkpoint, because {} still starting after {}"
            + " (creating its reader and writers); the next start restores {}",
        spec.name(),
        workers.describe(starting),
        display(STARTING_STOP_GRACE),
        lastCompleted());
    if (pending != null) {
      abort(pending);
    }
    stopWithoutCheckpoint = true;
    outcome = Outcome.STOPPED;
  }

  void onEndOfInput(int reader) throws Exception {
    endedReaders.add(reader);
    if (endedReaders.size() == parallelism && finalOutcome == null) {
      LOG.info("Pipeline '{}': every reader reached the end of its input", spec.name());
      finalOutcome = Outcome.FINISHED;
      if (pending == null) {
        triggerCheckpoint(true);
      }
    }
  }

  void onSourceEvent(int reader, SourceEvent event) {
    enumerator.handleSourceEvent(reader, event);
  }

  /** Step 1 and 2 of the class comment, in one step on this thread. */
  private void triggerCheckpoint(boolean isFinal) throws Exception {
    long id = nextCheckpointId++;
    long startNanos = time.nanoseconds();
    StateBlob enumeratorState =
        StateBlob.of(source.enumeratorStateSerializer(), enumerator.snapshotState(id));
    pending = new PendingCheckpoint(id, time.milliseconds(), startNanos, enumeratorState, isFinal);
    workers.checkpoint(id, isFinal);
  }

  void onSnapshot(WorkerSnapshot snapshot) throws Exception {
    Set<Integer> owed = unansweredAborted.get(snapshot.checkpointId());
    if (owed != null && owed.remove(snapshot.worker())) {
      // its reader and writer states are discarded; its closed transactions are not
      carry(snapshot);
      if (owed.isEmpty()) {
        unansweredAborted.remove(snapshot.checkpointId());
      }
      LOG.info(
          "Pipeline '{}': worker {} answered checkpoint {} after it was aborted; its transactional"
              + " output goes with the next checkpoint that completes",
          spec.name(),
          snapshot.worker(),
          snapshot.checkpointId());
      return;
    }
    if (pending == null || pending.id != snapshot.checkpointId()) {
      throw new IllegalStateException(
          "Worker "
              + snapshot.worker()
              + " reported checkpoint "
              + snapshot.checkpointId()
              + ", but the pending checkpoint is "
              + (pending == null ? "none" : pending.id));
    }
    pending.snapshots[snapshot.worker()] = snapshot;
    if (++pending.reported == parallelism) {
      complete(pending);
    }
  }

  private void complete(PendingCheckpoint done) throws Exception {
    List<List<StateBlob>> readerSplits = new ArrayList<>();
    for (WorkerSnapshot s : done.snapshots) {
      readerSplits.add(s.splits());
    }
    Map<String, SinkState> sinks = new LinkedHashMap<>();
    for (String sinkId : spec.sinkIds()) {
      List<List<StateBlob>> states = new ArrayList<>();
      List<List<StateBlob>> committables = new ArrayList<>();
      for (WorkerSnapshot s : done.snapshots) {
        states.add(s.writerStates().getOrDefault(sinkId, List.of()));
        List<StateBlob> own = s.committables().getOrDefault(sinkId, List.of());
        List<List<StateBlob>> carried = carriedCommittables.get(sinkId);
        if (carried == null || carried.get(s.worker()).isEmpty()) {
          committables.add(own);
        } else {
          List<StateBlob> all = new ArrayList<>(carried.get(s.worker()));
          all.addAll(own);
          committables.add(all);
        }
      }
      sinks.put(sinkId, new SinkState(states, committables));
    }
    Checkpoint checkpoint =
        new Checkpoint(
            done.id,
            done.timestampMillis,
            spec.name(),
            source.identity(),
            parallelism,
            done.enumeratorState,
            readerSplits,
            sinks);
    long size;
    try {
      size = store.store(checkpoint);
    } catch (IOException | RetriableException e) {
      storeFailed(done, e);
      return;
    }
    pending = null;
    if (done.afterAssignment || done.recordsRead() > 0) {
      madeProgress = true;
    }
    lastCompletedCheckpointId = done.id;
    carriedCommittables.clear();
    if (failedCheckpointsInARow > 0) {
      LOG.info(
          "Pipeline '{}': checkpoint {} complete after {} failed checkpoint(s) in a row",
          spec.name(),
          done.id,
          failedCheckpointsInARow);
      failedCheckpointsInARow = 0;
    }

    enumerator.notifyCheckpointComplete(done.id);
    workers.notifyCheckpointComplete(done.id);
    for (Map.Entry<String, SinkState> sink : sinks.entrySet()) {
      commit(sink.getKey(), sink.getValue().allCommittables(), done.id);
    }
    long durationNanos = time.nanoseconds() - done.startNanos;
    metrics.checkpointCompleted(done.id, durationNanos, size);
    LOG.debug(
        "Pipeline '{}': checkpoint {} complete ({} bytes, {} ms)",
        spec.name(),
        done.id,
        size,
        TimeUnit.NANOSECONDS.toMillis(durationNanos));
    onCheckpointCompleted.accept(done.id);

    if (done.isFinal) {
      outcome = finalOutcome;
    } else if (finalOutcome != null) {
      // records went downstream after this checkpoint's barrier: one more, final, checkpoint
      triggerCheckpoint(true);
    }
  }

  private void onTimeoutCheck() throws Exception {
    if (pending != null && time.nanoseconds() - pending.startNanos >= checkpointTimeout.toNanos()) {
      timedOut(pending);
    }
  }

  /**
   * Aborts {@code late}, which not every worker answered within {@code checkpoint.timeout}: it is
   * not stored and nothing is committed for it. Within {@code checkpoint.tolerableFailures} the
   * next checkpoint starts at the next tick (a worker still busy with this one takes the new
   * barrier after it); beyond, or while the pipeline is ending, the run fails.
   */
  private void timedOut(PendingCheckpoint late) {
    List<Integer> unanswered = new ArrayList<>();
    for (int i = 0; i < parallelism; i++) {
      if (late.snapshots[i] == null) {
        unanswered.add(i);
      }
    }
    abort(late);
    unansweredAborted.put(late.id, new TreeSet<>(unanswered));
    String what =
        "checkpoint "
            + late.id
            + " timed out after "
            + display(checkpointTimeout)
            + " (checkpoint.timeout): "
            + workers.describe(unanswered)
            + " had not answered";
    LOG.warn(
        "Pipeline '{}': {}. Aborted it: not stored, nothing committed for it; the restore point is"
            + " still {}. {} checkpoint(s) failed in a row, {} tolerated"
            + " (checkpoint.tolerableFailures){}",
        spec.name(),
        what,
        lastCompleted(),
        failedCheckpointsInARow,
        tolerableCheckpointFailures,
        finalOutcome != null
            ? "; none while the pipeline is ending: the run fails"
            : failedCheckpointsInARow > tolerableCheckpointFailures
                ? ": the run fails"
                : "; the next checkpoint starts after the interval");
    // counted once logged, so whoever watches the meter finds the warning written
    metrics.checkpointFailed(CheckpointFailure.TIMEOUT);
    String fix =
        " Raise checkpoint.timeout if checkpoints are merely slow, or find what blocks those"
            + " workers (stack traces attached): most often a sink's flush or a source waiting on"
            + " a server it cannot reach (check that it is reachable from here), or a slow record"
            + " function.";
    CheckpointTimeoutException failure;
    if (finalOutcome != null) {
      failure =
          new CheckpointTimeoutException(
              "Pipeline '"
                  + spec.name()
                  + "' could not take its final checkpoint "
                  + (finalOutcome == Outcome.STOPPED ? "while stopping" : "at the end of input")
                  + ": "
                  + what
                  + ". Nothing was stored or committed for it: "
                  + restoreNote(finalOutcome == Outcome.STOPPED)
                  + "."
                  + fix,
              late.id);
    } else if (failedCheckpointsInARow > tolerableCheckpointFailures) {
      failure =
          new CheckpointTimeoutException(
              "Pipeline '"
                  + spec.name()
                  + "': "
                  + what
                  + ". That is "
                  + failedCheckpointsInARow
                  + " failed checkpoint(s) in a row, more than checkpoint.tolerableFailures ("
                  + tolerableCheckpointFailures
                  + "), so the run fails; nothing was stored or committed for the aborted"
                  + " checkpoint(s): "
                  + restoreNote(false)
                  + "."
                  + fix,
              late.id);
    } else {
      return;
    }
    workers.attachStacks(failure, unanswered, "when the checkpoint timed out");
    throw failure;
  }

  /**
   * {@code failed}, whose every worker answered, could not be stored: aborted like one that timed
   * out. The store may or may not hold it; either way it is consistent, and its committables are
   * committed with the next checkpoint that completes (commits are idempotent).
   */
  private void storeFailed(PendingCheckpoint failed, Exception e) {
    abort(failed);
    String what =
        "checkpoint " + failed.id + " could not be stored in " + store.location() + ": " + e;
    if (finalOutcome != null || failedCheckpointsInARow > tolerableCheckpointFailures) {
      metrics.checkpointFailed(CheckpointFailure.STORE);
      throw new ShardlineException(
          "Pipeline '"
              + spec.name()
              + "': "
              + what
              + (finalOutcome != null
                  ? ". It was the final checkpoint"
                  : ". That is "
                      + failedCheckpointsInARow
                      + " failed checkpoint(s) in a row, more than checkpoint.tolerableFailures ("
                      + tolerableCheckpointFailures
                      + ")")
              + "; "
              + restoreNote(finalOutcome == Outcome.STOPPED)
              + ". Check the checkpoint store (free space, permissions, reachability).",
          e);
    }
    LOG.warn(
        "Pipeline '{}': {}. Aborted it: nothing committed for it; {} checkpoint(s) failed in a row,"
            + " {} tolerated (checkpoint.tolerableFailures)",
        spec.name(),
        what,
        failedCheckpointsInARow,
        tolerableCheckpointFailures,
        e);
    metrics.checkpointFailed(CheckpointFailure.STORE);
  }

  /** Bookkeeping common to every aborted checkpoint; the caller counts it in the meter. */
  private void abort(PendingCheckpoint aborted) {
    pending = null;
    failedCheckpointsInARow++;
    for (WorkerSnapshot snapshot : aborted.snapshots) {
      if (snapshot != null) {
        carry(snapshot);
      }
    }
  }

  /** Keeps {@code snapshot}'s committables for the next checkpoint that completes. */
  private void carry(WorkerSnapshot snapshot) {
    for (Map.Entry<String, List<StateBlob>> sink : snapshot.committables().entrySet()) {
      if (!sink.getValue().isEmpty()) {
        carriedCommittables
            .computeIfAbsent(
                sink.getKey(),
                id -> {
                  List<List<StateBlob>> perWorker = new ArrayList<>();
                  for (int i = 0; i < parallelism; i++) {
                    perWorker.add(new ArrayList<>());
                  }
                  return perWorker;
                })
            .get(snapshot.worker())
            .addAll(sink.getValue());
      }
    }
  }

  private String lastCompleted() {
    return lastCompletedCheckpointId < 0
        ? "the source's initial position (no checkpoint completed yet)"
        : "checkpoint " + lastCompletedCheckpointId;
  }

  private String restoreNote(boolean stopping) {
    String then =
        stopping
            ? "the next start restores it"
            : "the run restarts from it as the restart policy (restart.maxRestarts) allows";
    if (lastCompletedCheckpointId < 0) {
      return "no checkpoint is complete yet, so "
          + (stopping ? "the next start begins" : "the run restarts")
          + " from the source's initial position";
    }
    return "the last complete checkpoint is "
        + lastCompletedCheckpointId
        + ", and "
        + then
        + " (what came after it is read again)";
  }

  private static String display(Duration duration) {
    return PipelineOptions.CHECKPOINT_TIMEOUT.display(duration);
  }

  /** Commits through the sink's committer, retrying what the committer says may be retried. */
  private void commit(String sinkId, List<StateBlob> blobs, long checkpointId) throws Exception {
    Committer<Object> committer = committers.get(sinkId);
    if (committer == null || blobs.isEmpty()) {
      return;
    }
    VersionedSerializer<Object> serializer = committableSerializers.get(sinkId);
    List<Object> committables = new ArrayList<>(blobs.size());
    for (StateBlob blob : blobs) {
      committables.add(blob.read(serializer));
    }
    for (int attempt = 0; ; attempt++) {
      try {
        committer.commit(committables);
        return;
      } catch (RetriableException e) {
        if (attempt + 1 >= COMMIT_ATTEMPTS) {
          throw new ShardlineException(
              "Committing checkpoint "
                  + checkpointId
                  + " of sink '"
                  + sinkId
                  + "' failed "
                  + COMMIT_ATTEMPTS
                  + " times; the pipeline restarts and commits it again",
              e);
        }
        long delay = COMMIT_BACKOFF.delay(attempt).toMillis();
        LOG.warn(
            "Committing checkpoint {} of sink '{}' failed, retrying in {} ms: {}",
            checkpointId,
            sinkId,
            delay,
            e.toString());
        time.sleep(delay);
      }
    }
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

  private void closeCoordinatorSide() {
    closeQuietly(enumerator, "the split enumerator");
    for (Map.Entry<String, Committer<Object>> committer : committers.entrySet()) {
      closeQuietly(committer.getValue(), "the committer of sink '" + committer.getKey() + "'");
    }
  }

  private void closeQuietly(AutoCloseable closeable, String what) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("Pipeline '{}': closing {} failed", spec.name(), what, e);
    }
  }

  /** A checkpoint between its trigger and its completion. */
  private final class PendingCheckpoint {
    final long id;
    final long timestampMillis;
    final long startNanos;
    final StateBlob enumeratorState;
    final boolean isFinal;
    final WorkerSnapshot[] snapshots = new WorkerSnapshot[parallelism];
    // whether a split had been assigned in this attempt before the barrier: then it is in here
    final boolean afterAssignment = enumeratorContext.splitAssigned();
    int reported;

    long recordsRead() {
      long sum = 0;
      for (WorkerSnapshot s : snapshots) {
        sum += s == null ? 0 : s.recordsRead();
      }
      return sum;
    }

    PendingCheckpoint(
        long id,
        long timestampMillis,
        long startNanos,
        StateBlob enumeratorState,
        boolean isFinal) {
      this.id = id;
      this.timestampMillis = timestampMillis;
      this.startNanos = startNanos;
      this.enumeratorState = enumeratorState;
      this.isFinal = isFinal;
    }
  }
}
