package dev.shardline.runtime.internal;

import dev.shardline.runtime.checkpoint.Checkpoint;
import dev.shardline.runtime.checkpoint.SinkState;
import dev.shardline.runtime.checkpoint.StateBlob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One checkpoint between its trigger and its completion or abort: the enumerator's state taken at
 * the trigger, and each worker's answer as it comes; once every worker answered, what goes into the
 * {@link Checkpoint} to store. Model: Flink's {@code PendingCheckpoint}. Made and used on the
 * coordinator thread only.
 */
final class PendingCheckpoint {
  private final long id;
  private final long timestampMillis;
  private final long startNanos;
  private final StateBlob enumeratorState;
  private final boolean isFinal;
  private final WorkerSnapshot[] snapshots;
  // whether a split had been assigned in this attempt before the barrier: then it is in here
  private final boolean afterAssignment;
  private int reported;

  /**
   * @param parallelism how many workers answer it
   * @param afterAssignment whether a split had been assigned in this attempt before the barrier
   */
  PendingCheckpoint(
      long id,
      long timestampMillis,
      long startNanos,
      StateBlob enumeratorState,
      boolean isFinal,
      int parallelism,
      boolean afterAssignment) {
    this.id = id;
    this.timestampMillis = timestampMillis;
    this.startNanos = startNanos;
    this.enumeratorState = enumeratorState;
    this.isFinal = isFinal;
    this.snapshots = new WorkerSnapshot[parallelism];
    this.afterAssignment = afterAssignment;
  }

  long id() {
    return id;
  }

  /** Whether it is the last checkpoint of a graceful end. */
  boolean isFinal() {
    return isFinal;
  }

  /** When it was triggered, on the pipeline clock's {@code nanoseconds()}. */
  long startNanos() {
    return startNanos;
  }

  /** Takes one worker's answer; true once every worker has answered. */
  boolean acknowledge(WorkerSnapshot snapshot) {
    snapshots[snapshot.worker()] = snapshot;
    return ++reported == snapshots.length;
  }

  /** Whether it has taken {@code timeout} or longer by {@code nowNanos}. */
  boolean isTimedOut(long nowNanos, Duration timeout) {
    return nowNanos - startNanos >= timeout.toNanos();
  }

  /** The workers that have not answered yet, in index order. */
  List<Integer> unanswered() {
    List<Integer> unanswered = new ArrayList<>();
    for (int i = 0; i < snapshots.length; i++) {
      if (snapshots[i] == null) {
        unanswered.add(i);
      }
    }
    return unanswered;
  }

  /** The answers so far, in worker order. */
  List<WorkerSnapshot> answers() {
    List<WorkerSnapshot> answers = new ArrayList<>();
    for (WorkerSnapshot snapshot : snapshots) {
      if (snapshot != null) {
        answers.add(snapshot);
      }
    }
    return answers;
  }

  /** Whether it holds progress of this attempt: a split assigned, or a record read. */
  boolean madeProgress() {
    return afterAssignment || recordsRead() > 0;
  }

  private long recordsRead() {
    long sum = 0;
    for (WorkerSnapshot s : snapshots) {
      sum += s == null ? 0 : s.recordsRead();
    }
    return sum;
  }

  /**
   * Every sink's state, in the order of {@code sinkIds}: its writers' states and committables, the
   * committables of aborted checkpoints that {@code committer} carries included.
   */
  Map<String, SinkState> sinkStates(List<String> sinkIds, CheckpointCommitter committer) {
    Map<String, SinkState> sinks = new LinkedHashMap<>();
    for (String sinkId : sinkIds) {
      List<List<StateBlob>> states = new ArrayList<>();
      List<List<StateBlob>> committables = new ArrayList<>();
      for (WorkerSnapshot s : snapshots) {
        states.add(s.writerStates().getOrDefault(sinkId, List.of()));
        committables.add(committer.withCarried(sinkId, s));
      }
      sinks.put(sinkId, new SinkState(states, committables));
    }
    return sinks;
  }

  /** The checkpoint to store, once every worker has answered. */
  Checkpoint toCheckpoint(
      String pipelineName, String sourceIdentity, Map<String, SinkState> sinkStates) {
    List<List<StateBlob>> readerSplits = new ArrayList<>();
    for (WorkerSnapshot s : snapshots) {
      readerSplits.add(s.splits());
    }
    return new Checkpoint(
        id,
        timestampMillis,
        pipelineName,
        sourceIdentity,
        snapshots.length,
        enumeratorState,
        readerSplits,
        sinkStates);
  }
}
