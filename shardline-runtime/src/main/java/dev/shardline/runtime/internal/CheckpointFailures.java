package dev.shardline.runtime.internal;

import dev.shardline.api.ShardlineException;
import dev.shardline.runtime.PipelineOptions;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an aborted checkpoint (timed out, or not stored) does to the run: counts failed checkpoints
 * in a row against {@code checkpoint.tolerableFailures}, then either warns that the run goes on or
 * throws the error that fails it, naming the restore point (the last complete checkpoint, which it
 * keeps track of) and the fix. Model: Flink's {@code CheckpointFailureManager}. Used on the
 * coordinator thread only.
 */
final class CheckpointFailures {
  // the coordinator's log, under one name whichever of its parts writes
  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

  private final String pipelineName;
  private final CheckpointStore store;
  private final PipelineMetrics metrics;
  private final Workers workers;
  private final Duration checkpointTimeout;
  private final int tolerableCheckpointFailures;
  private int failedCheckpointsInARow;
  private long lastCompletedCheckpointId;

  /**
   * @param restoredCheckpointId the checkpoint the execution restored: the restore point until one
   *     completes
   */
  CheckpointFailures(
      PipelineSpec spec,
      CheckpointStore store,
      PipelineMetrics metrics,
      Workers workers,
      OptionalLong restoredCheckpointId) {
    this.pipelineName = spec.name();
    this.store = store;
    this.metrics = metrics;
    this.workers = workers;
    this.checkpointTimeout = spec.checkpointTimeout();
    this.tolerableCheckpointFailures = spec.tolerableCheckpointFailures();
    this.lastCompletedCheckpointId = restoredCheckpointId.orElse(-1);
  }

  /** Counts an aborted checkpoint; the caller then says why ({@link #timedOut}, ...). */
  void aborted() {
    failedCheckpointsInARow++;
  }

  /**
   * Checkpoint {@code checkpointId} is stored: the new restore point, and the count starts over.
   */
  void completed(long checkpointId) {
    lastCompletedCheckpointId = checkpointId;
    if (failedCheckpointsInARow > 0) {
      LOG.info(
          "Pipeline '{}': checkpoint {} complete after {} failed checkpoint(s) in a row",
          pipelineName,
          checkpointId,
          failedCheckpointsInARow);
      failedCheckpointsInARow = 0;
    }
  }

  /** The restore point, in words. */
  String lastCompleted() {
    return lastCompletedCheckpointId < 0
        ? "the source's initial position (no checkpoint completed yet)"
        : "checkpoint " + lastCompletedCheckpointId;
  }

  /**
   * Checkpoint {@code checkpointId} has waited {@code waited} for workers {@code unanswered} and is
   * still pending: a WARN naming them and where each is (most often a sink's flush, or a call to a
   * server that answers slowly or not at all), so that a long wait, above all a stop's final
   * checkpoint, is not silent until {@code checkpoint.timeout} ends it.
   */
  void slow(
      long checkpointId,
      boolean isFinal,
      boolean ending,
      Duration waited,
      List<Integer> unanswered) {
    LOG.warn(
        "Pipeline '{}': {} {}{} has waited {} for {}; it times out after {} (checkpoint.timeout){}",
        pipelineName,
        isFinal ? "stopping, the final checkpoint" : ending ? "stopping, checkpoint" : "checkpoint",
        checkpointId,
        !isFinal && ending ? " (the final one comes after it)" : "",
        display(waited),
        workers.describe(unanswered),
        display(checkpointTimeout),
        isFinal ? ", and then the stop fails and the next start restores " + lastCompleted() : "");
  }

  /**
   * Checkpoint {@code checkpointId}, aborted, was not answered by workers {@code unanswered} within
   * {@code checkpoint.timeout}: it is not stored and nothing is committed for it. Within {@code
   * checkpoint.tolerableFailures} the next checkpoint starts at the next tick (a worker still busy
   * with this one takes the new barrier after it); beyond, or while the pipeline is ending ({@code
   * ending} is why), the run fails with a {@link CheckpointTimeoutException}.
   */
  void timedOut(long checkpointId, List<Integer> unanswered, Execution.Outcome ending) {
    String what =
        "checkpoint "
            + checkpointId
            + " timed out after "
            + display(checkpointTimeout)
            + " (checkpoint.timeout): "
            + workers.describe(unanswered)
            + " had not answered";
    LOG.warn(
        "Pipeline '{}': {}. Aborted it: not stored, nothing committed for it; the restore point is"
            + " still {}. {} checkpoint(s) failed in a row, {} tolerated"
            + " (checkpoint.tolerableFailures){}",
        pipelineName,
        what,
        lastCompleted(),
        failedCheckpointsInARow,
        tolerableCheckpointFailures,
        ending != null
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
    if (ending != null) {
      failure =
          new CheckpointTimeoutException(
              "Pipeline '"
                  + pipelineName
                  + "' could not take its final checkpoint "
                  + (ending == Execution.Outcome.STOPPED ? "while stopping" : "at the end of input")
                  + ": "
                  + what
                  + ". Nothing was stored or committed for it: "
                  + restoreNote(ending == Execution.Outcome.STOPPED)
                  + "."
                  + fix,
              checkpointId);
    } else if (failedCheckpointsInARow > tolerableCheckpointFailures) {
      failure =
          new CheckpointTimeoutException(
              "Pipeline '"
                  + pipelineName
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
              checkpointId);
    } else {
      return;
    }
    workers.attachStacks(failure, unanswered, "when the checkpoint timed out");
    throw failure;
  }

  /**
   * Checkpoint {@code checkpointId}, aborted, whose every worker answered, could not be stored
   * ({@code e}). The store may or may not hold it; either way it is consistent, and its
   * committables are committed with the next checkpoint that completes (commits are idempotent).
   * Beyond {@code checkpoint.tolerableFailures}, or while the pipeline is ending ({@code ending} is
   * why), the run fails.
   */
  void storeFailed(long checkpointId, Exception e, Execution.Outcome ending) {
    String what =
        "checkpoint " + checkpointId + " could not be stored in " + store.location() + ": " + e;
    if (ending != null || failedCheckpointsInARow > tolerableCheckpointFailures) {
      metrics.checkpointFailed(CheckpointFailure.STORE);
      throw new ShardlineException(
          "Pipeline '"
              + pipelineName
              + "': "
              + what
              + (ending != null
                  ? ". It was the final checkpoint"
                  : ". That is "
                      + failedCheckpointsInARow
                      + " failed checkpoint(s) in a row, more than checkpoint.tolerableFailures ("
                      + tolerableCheckpointFailures
                      + ")")
              + "; "
              + restoreNote(ending == Execution.Outcome.STOPPED)
              + ". Check the checkpoint store (free space, permissions, reachability).",
          e);
    }
    LOG.warn(
        "Pipeline '{}': {}. Aborted it: nothing committed for it; {} checkpoint(s) failed in a row,"
            + " {} tolerated (checkpoint.tolerableFailures)",
        pipelineName,
        what,
        failedCheckpointsInARow,
        tolerableCheckpointFailures,
        e);
    metrics.checkpointFailed(CheckpointFailure.STORE);
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
}
