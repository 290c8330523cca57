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
import dev.shardline.api.StatefulSink;
import dev.shardline.api.TransactionalSink;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.PipelineOptions;
import dev.shardline.runtime.checkpoint.Checkpoint;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.runtime.checkpoint.SinkState;
import dev.shardline.runtime.checkpoint.StateBlob;
import dev.shardline.state.VersionedSerializer;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
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
  private final Duration workerExitGrace;
  private final Duration checkpointTimeout;
  private final int tolerableCheckpointFailures;

  // owned by the coordinator thread
  private Source<Object, SourceSplit, Object> source;
  private SplitEnumerator<SourceSplit, Object> enumerator;
  private final Worker[] workers;
  private final Map<String, Committer<Object>> committers = new LinkedHashMap<>();
  private final Map<String, VersionedSerializer<Object>> committableSerializers = new HashMap<>();
  private final Set<Integer> registeredReaders = new TreeSet<>();
  private final Set<Integer> endedReaders = new TreeSet<>();
  private ScheduledExecutorService executor;
  // only decides when a writer's due timers go into its worker's mailbox; see MailboxTimerService
  private ScheduledExecutorService timerScheduler;
  private long nextCheckpointId = 1;
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
  private boolean splitAssigned;
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
    this.workerExitGrace = workerExitGrace;
    this.spec = spec;
    this.store = store;
    this.metrics = metrics;
    this.onCheckpointCompleted = onCheckpointCompleted;
    this.parallelism = spec.parallelism();
    this.time = spec.time();
    this.workers = new Worker[parallelism];
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
      Optional<Checkpoint> checkpoint = loadCheckpoint();
      start(checkpoint);
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

  private Optional<Checkpoint> loadCheckpoint() throws Exception {
    Optional<Checkpoint> latest;
    long highestUsed;
    try {
      latest = store.latest();
      highestUsed = store.highestIdUsed();
    } catch (ShardlineException e) {
      throw new FatalPipelineException(e);
    }
    // never reuse an id, not even one of a checkpoint that was lost: sinks name their output after
    // checkpoint ids, and output of the lost checkpoint may have been committed
    long restoredId = latest.map(Checkpoint::id).orElse(0L);
    nextCheckpointId = Math.max(restoredId, highestUsed) + 1;
    if (highestUsed > restoredId) {
      LOG.warn(
          "Pipeline '{}': checkpoint ids up to {} were used in {}, but the newest readable"
              + " checkpoint is {}; new checkpoints start at {} so that no id is used twice",
          spec.name(),
          highestUsed,
          store.location(),
          latest.isPresent() ? Long.toString(restoredId) : "none",
          nextCheckpointId);
    }
    if (latest.isEmpty()) {
      LOG.info(
          "Pipeline '{}': no checkpoint in {}, starting from the source's initial position",
          spec.name(),
          store.location());
      return latest;
    }
    Checkpoint checkpoint = latest.get();
    if (!checkpoint.sourceIdentity().equals(source.identity())) {
      throw new FatalPipelineException(
          new ShardlineException(
              "Checkpoint "
                  + checkpoint.id()
                  + " in "
                  + store.location()
                  + " was written by source '"
                  + checkpoint.sourceIdentity()
                  + "', but pipeline '"
                  + spec.name()
                  + "' reads from source '"
                  + source.identity()
                  + "': its offsets mean nothing to this source. Use another checkpoint directory"
                  + " for this pipeline, or delete "
                  + store.location()
                  + " to start this source from its initial position."));
    }
    for (Map.Entry<String, SinkState> sink : checkpoint.sinks().entrySet()) {
      boolean hasState =
          sink.getValue().writerStates().stream().anyMatch(l -> !l.isEmpty())
              || !sink.getValue().allCommittables().isEmpty();
      if (hasState && sinkById(sink.getKey()) == null) {
        throw new FatalPipelineException(
            new ShardlineException(
                "Checkpoint "
                    + checkpoint.id()
                    + " in "
                    + store.location()
                    + " holds state of sink '"
                    + sink.getKey()
                    + "', which pipeline '"
                    + spec.name()
                    + "' no longer has (it has "
                    + spec.sinks().size()
                    + " sink(s)"
                    + (spec.deadLetterSink() != null ? " and a dead-letter sink" : "")
                    + "). Keep the sinks of a pipeline in the same order, or use another"
                    + " checkpoint directory."));
      }
    }
    if (!checkpoint.pipelineName().equals(spec.name())) {
      LOG.warn(
          "Checkpoint {} in {} was written by pipeline '{}', restoring it into pipeline '{}'",
          checkpoint.id(),
          store.location(),
          checkpoint.pipelineName(),
          spec.name());
    }
    LOG.info(
        "Pipeline '{}': restoring checkpoint {} from {} ({} splits, parallelism {} -> {})",
        spec.name(),
        checkpoint.id(),
        store.location(),
        checkpoint.splitCount(),
        checkpoint.parallelism(),
        parallelism);
    restoredCheckpointId = OptionalLong.of(checkpoint.id());
    lastCompletedCheckpointId = checkpoint.id();
    return latest;
  }

  @SuppressWarnings("unchecked")
  private void start(Optional<Checkpoint> checkpoint) throws Exception {
    // 1. committers first, and the restored checkpoint's committables committed again, before any
    //    writer exists: a new writer may then discard whatever a crashed one left uncommitted
    for (int i = 0; i <= spec.sinks().size(); i++) {
      String sinkId =
          i < spec.sinks().size() ? PipelineSpec.sinkId(i) : PipelineSpec.DEAD_LETTER_SINK_ID;
      Sink<?> sink = sinkById(sinkId);
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
    if (checkpoint.isPresent()) {
      for (Map.Entry<String, SinkState> sink : checkpoint.get().sinks().entrySet()) {
        commit(sink.getKey(), sink.getValue().allCommittables(), checkpoint.get().id());
      }
    }

    // 2. what each worker starts from
    int oldParallelism = checkpoint.map(Checkpoint::parallelism).orElse(parallelism);
    boolean rescaled = oldParallelism != parallelism;
    List<List<SourceSplit>> oldSplits = new ArrayList<>();
    if (checkpoint.isPresent()) {
      for (List<StateBlob> blobs : checkpoint.get().readerSplits()) {
        List<SourceSplit> splits = new ArrayList<>();
        for (StateBlob blob : blobs) {
          splits.add(blob.read(source.splitSerializer()));
        }
        oldSplits.add(splits);
      }
    }
    for (int i = 0; i < parallelism; i++) {
      List<SourceSplit> restored =
          checkpoint.isPresent() && !rescaled ? oldSplits.get(i) : List.of();
      Map<String, List<Object>> writerStates = new HashMap<>();
      if (checkpoint.isPresent()) {
        for (Map.Entry<String, SinkState> sink : checkpoint.get().sinks().entrySet()) {
          writerStates.put(sink.getKey(), writerStatesFor(i, sink.getKey(), sink.getValue()));
        }
      }
      workers[i] =
          new Worker(
              i,
              this,
              spec,
              new Worker.Setup(restored, writerStates, restoredCheckpointId, nextCheckpointId),
              metrics);
    }

    // 3. the enumerator, on this thread
    executor =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t =
                  new Thread(r, "shardline-" + spec.name() + "-async-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ScheduledThreadPoolExecutor timerThread =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t =
                  new Thread(
                      r, "shardline-" + spec.name() + "-timers-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    timerThread.setRemoveOnCancelPolicy(true);
    timerScheduler = timerThread;
    EnumeratorContext context = new EnumeratorContext();
    if (checkpoint.isPresent()) {
      Object state = checkpoint.get().enumeratorState().read(source.enumeratorStateSerializer());
      enumerator = source.restoreEnumerator(context, state);
    } else {
      enumerator = source.createEnumerator(context);
    }
    for (Worker worker : workers) {
      worker.start();
    }
    enumerator.start();
    if (rescaled) {
      for (int old = 0; old < oldSplits.size(); old++) {
        if (!oldSplits.get(old).isEmpty()) {
          enumerator.addSplitsBack(oldSplits.get(old), old);
        }
      }
    }
    // every reader is registered before the first addReader, so the enumerator spreads what it
    // holds over all of them (one at a time, the first reader would get every pending split)
    for (int i = 0; i < parallelism; i++) {
      registeredReaders.add(i);
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

  private static final AtomicInteger THREADS = new AtomicInteger();

  /**
   * The writer states new writer {@code writer} restores: its own at the same parallelism; at
   * another, those of every old writer {@code w} with {@code w % parallelism == writer}, so each
   * old state goes to exactly one new writer.
   */
  @SuppressWarnings("unchecked")
  private List<Object> writerStatesFor(int writer, String sinkId, SinkState state)
      throws Exception {
    Sink<?> sink = sinkById(sinkId);
    if (!(sink instanceof StatefulSink<?, ?> stateful)) {
      return List.of();
    }
    VersionedSerializer<Object> serializer =
        (VersionedSerializer<Object>) stateful.writerStateSerializer();
    List<Object> states = new ArrayList<>();
    for (int old = 0; old < state.writerStates().size(); old++) {
      if (old % parallelism == writer) {
        for (StateBlob blob : state.writerStates().get(old)) {
          states.add(blob.read(serializer));
        }
      }
    }
    return states;
  }

  private Sink<?> sinkById(String sinkId) {
    if (sinkId.equals(PipelineSpec.DEAD_LETTER_SINK_ID)) {
      return spec.deadLetterSink();
    }
    for (int i = 0; i < spec.sinks().size(); i++) {
      if (PipelineSpec.sinkId(i).equals(sinkId)) {
        return spec.sinks().get(i);
      }
    }
    return null;
  }

  // --- messages ---

  private void onCheckpointTick() throws Exception {
    if (pending == null && finalOutcome == null) {
      triggerCheckpoint(false);
    }
  }

  private void onStopRequested() throws Exception {
    if (finalOutcome == null && !workersStillStarting().isEmpty()) {
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
    List<Integer> starting = workersStillStarting();
    if (outcome != null || starting.isEmpty()) {
      return;
    }
    LOG.info(
        "Pipeline '{}': stopping without a final checkpoint, because {} still starting after {}"
            + " (creating its reader and writers); the next start restores {}",
        spec.name(),
        describeWorkers(starting),
        display(STARTING_STOP_GRACE),
        lastCompleted());
    if (pending != null) {
      abort(pending);
    }
    stopWithoutCheckpoint = true;
    outcome = Outcome.STOPPED;
  }

  private List<Integer> workersStillStarting() {
    List<Integer> starting = new ArrayList<>();
    for (int i = 0; i < workers.length; i++) {
      if (!workers[i].isStarted()) {
        starting.add(i);
      }
    }
    return starting;
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
    for (Worker worker : workers) {
      worker.post(() -> worker.checkpoint(id, isFinal));
    }
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
    for (String sinkId : sinkIds()) {
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
    for (Worker worker : workers) {
      worker.post(() -> worker.notifyCheckpointComplete(done.id));
    }
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
            + describeWorkers(unanswered)
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
    for (int i : unanswered) {
      Thread thread = workers[i].thread();
      Throwable trace =
          new Throwable("Stack of " + thread.getName() + " when the checkpoint timed out");
      trace.setStackTrace(thread.getStackTrace());
      failure.addSuppressed(trace);
    }
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

  /** E.g. {@code worker 0 (thread shardline-orders-worker-0, in com.acme.Sink$Writer.flush)}. */
  private String describeWorkers(List<Integer> indexes) {
    List<String> described = new ArrayList<>();
    for (int i : indexes) {
      Thread thread = workers[i].thread();
      String where = "";
      for (StackTraceElement frame : thread.getStackTrace()) {
        String cls = frame.getClassName();
        if (!cls.startsWith("java.")
            && !cls.startsWith("jdk.")
            && !cls.startsWith("sun.")
            && !cls.startsWith(Execution.class.getPackageName() + ".")) {
          where =
              ", in "
                  + cls
                  + "."
                  + frame.getMethodName()
                  + (frame.getFileName() == null
                      ? ""
                      : "(" + frame.getFileName() + ":" + frame.getLineNumber() + ")");
          break;
        }
      }
      described.add(i + " (thread " + thread.getName() + where + ")");
    }
    return (indexes.size() == 1 ? "worker " : "workers ") + String.join(", ", described);
  }

  private static String display(Duration duration) {
    return PipelineOptions.CHECKPOINT_TIMEOUT.display(duration);
  }

  private List<String> sinkIds() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < spec.sinks().size(); i++) {
      ids.add(PipelineSpec.sinkId(i));
    }
    if (spec.deadLetterSink() != null) {
      ids.add(PipelineSpec.DEAD_LETTER_SINK_ID);
    }
    return ids;
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

  /**
   * Stops the workers and waits for them. After a graceful end ({@code drain}) each runs what its
   * mailbox holds first, the final checkpoint's notification among it, and a failure there fails
   * the run; after a failure (or a stop while a worker is still starting) each stops at its next
   * record boundary, and one still creating its reader or writers is interrupted at once. A worker
   * still alive {@link #workerExitGrace} after it was interrupted fails the pipeline for good: it
   * still owns its reader and writers, and a new run would write to the same part files and
   * transactions.
   */
  private void stopWorkers(boolean drain) throws Exception {
    if (executor != null) {
      executor.shutdownNow();
    }
    if (timerScheduler != null) {
      timerScheduler.shutdownNow();
    }
    for (Worker worker : workers) {
      if (worker != null) {
        if (drain) {
          worker.postExit();
        } else {
          worker.requestExit();
          if (!worker.isStarted() && worker.thread().getState() != Thread.State.NEW) {
            // still creating its reader or writers (it reads no mailbox yet): waiting on a
            // server, say; nothing of it is in a checkpoint, so interrupt it now
            worker.thread().interrupt();
          }
        }
      }
    }
    List<Thread> stuck = new ArrayList<>();
    for (Worker worker : workers) {
      if (worker == null || worker.thread().getState() == Thread.State.NEW) {
        continue;
      }
      Thread thread = worker.thread();
      try {
        thread.join(workerExitGrace.toMillis());
        if (thread.isAlive()) {
          LOG.warn("{} did not stop within {}; interrupting it", thread.getName(), workerExitGrace);
          thread.interrupt();
          thread.join(workerExitGrace.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        stuck.add(thread);
      }
    }
    if (!stuck.isEmpty()) {
      throw workersStuck(stuck);
    }
    if (drain) {
      for (int i = 0; i < workers.length; i++) {
        if (workers[i] != null && workers[i].failure() != null) {
          throw new WorkerFailedException(spec.name(), i, workers[i].failure());
        }
      }
    }
  }

  private FatalPipelineException workersStuck(List<Thread> stuck) {
    List<String> names = stuck.stream().map(Thread::getName).toList();
    String grace =
        workerExitGrace.toMillis() % 1000 == 0
            ? workerExitGrace.toSeconds() + " s"
            : workerExitGrace.toMillis() + " ms";
    ShardlineException e =
        new ShardlineException(
            "Pipeline '"
                + spec.name()
                + "' cannot restart: worker thread(s) "
                + String.join(", ", names)
                + " did not stop within "
                + grace
                + ", nor within "
                + grace
                + " of being interrupted (stack traces attached). Such a thread still holds its"
                + " source reader and sink writers, and a new run would write to the same part"
                + " files and transactions, so the pipeline fails instead. Find what blocks it"
                + " without heeding interrupts (a function or connector), then restart the JVM;"
                + " the pipeline resumes from its last checkpoint.");
    for (Thread thread : stuck) {
      Throwable trace = new Throwable("Stack of " + thread.getName() + " when given up on");
      trace.setStackTrace(thread.getStackTrace());
      e.addSuppressed(trace);
    }
    return new FatalPipelineException(e);
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
    final boolean afterAssignment = splitAssigned;
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

  /** The enumerator's view of the runner; every method runs on the coordinator thread. */
  private final class EnumeratorContext implements SplitEnumeratorContext<SourceSplit> {
    private final MeterRegistry enumeratorMetrics = metrics.tagged("component", "enumerator");

    @Override
    public int parallelism() {
      return parallelism;
    }

    @Override
    public Set<Integer> registeredReaders() {
      return Set.copyOf(registeredReaders);
    }

    @Override
    public void assignSplits(Map<Integer, List<SourceSplit>> assignment) {
      for (Map.Entry<Integer, List<SourceSplit>> entry : assignment.entrySet()) {
        Worker worker = worker(entry.getKey());
        List<SourceSplit> splits = List.copyOf(entry.getValue());
        if (!splits.isEmpty()) {
          splitAssigned = true;
          worker.post(() -> worker.addSplits(splits));
        }
      }
    }

    @Override
    public void signalNoMoreSplits(int readerId) {
      Worker worker = worker(readerId);
      worker.post(worker::notifyNoMoreSplits);
    }

    @Override
    public void sendEventToReader(int readerId, SourceEvent event) {
      Worker worker = worker(readerId);
      worker.post(() -> worker.handleSourceEvent(event));
    }

    @Override
    public <R> void callAsync(
        Callable<R> callable,
        BiConsumer<R, Throwable> handler,
        Duration initialDelay,
        Duration period) {
      Runnable task =
          () -> {
            R result = null;
            Throwable error = null;
            try {
              result = callable.call();
            } catch (Throwable t) {
              error = t;
            }
            R r = result;
            Throwable e = error;
            post(() -> handler.accept(r, e));
          };
      try {
        if (period.isZero()) {
          executor.schedule(task, initialDelay.toMillis(), TimeUnit.MILLISECONDS);
        } else {
          executor.scheduleWithFixedDelay(
              task, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (RejectedExecutionException e) {
        LOG.debug("Pipeline '{}' is shutting down; callAsync ignored", spec.name());
      }
    }

    @Override
    public MeterRegistry metrics() {
      return enumeratorMetrics;
    }

    @Override
    public Time time() {
      return time;
    }

    private Worker worker(int readerId) {
      if (readerId < 0 || readerId >= parallelism) {
        throw new IllegalArgumentException(
            "readerId must be from 0 to " + (parallelism - 1) + ", was " + readerId);
      }
      return workers[readerId];
    }
  }
}
