package dev.shardline.runtime.internal;

import dev.shardline.runtime.PipelineOptions;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a run ends when it does not fail: a stop request, or every reader at the end of its input,
 * makes the next checkpoint the final one, whose completion ends the run; a stop while a worker is
 * still creating its reader or writers gives that final checkpoint up after {@link
 * #STARTING_GRACE}. It decides and logs; {@link Execution}'s main loop triggers and aborts the
 * checkpoints. Used on the coordinator thread only.
 */
final class GracefulEnd {
  // the coordinator's log, under one name whichever of its parts writes
  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

  /**
   * How long a stop waits for workers still creating their readers and writers before it gives up
   * the final checkpoint; creating them takes milliseconds unless a server does not answer.
   */
  static final Duration STARTING_GRACE = Duration.ofSeconds(5);

  private final String pipelineName;
  private final int parallelism;
  private final Set<Integer> endedReaders = new TreeSet<>();
  private Execution.Outcome outcome;
  // a stop while a worker was still starting: no final checkpoint, workers interrupted at once
  private boolean withoutFinalCheckpoint;

  GracefulEnd(String pipelineName, int parallelism) {
    this.pipelineName = pipelineName;
    this.parallelism = parallelism;
  }

  /** Whether the run is ending: its next checkpoint is the final one. */
  boolean isEnding() {
    return outcome != null;
  }

  /**
   * Why the run is ending, which its final checkpoint's completion returns; null while it is not.
   */
  Execution.Outcome outcome() {
    return outcome;
  }

  /**
   * A stop was asked for. True when the run was not ending yet: the caller then takes the final
   * checkpoint, unless one is pending (its completion triggers the final one).
   */
  boolean stopRequested() {
    if (outcome != null) {
      return false;
    }
    LOG.info("Pipeline '{}': stopping, taking a final checkpoint", pipelineName);
    outcome = Execution.Outcome.STOPPED;
    return true;
  }

  /**
   * Reader {@code reader} reached the end of its input. True when that makes every reader's input
   * ended and the run was not ending yet: the caller then takes the final checkpoint as for {@link
   * #stopRequested()}.
   */
  boolean readerEnded(int reader) {
    endedReaders.add(reader);
    if (endedReaders.size() == parallelism && outcome == null) {
      LOG.info("Pipeline '{}': every reader reached the end of its input", pipelineName);
      outcome = Execution.Outcome.FINISHED;
      return true;
    }
    return false;
  }

  /**
   * Gives the final checkpoint up: {@code startingWorkers} (described) still create their reader or
   * writers {@link #STARTING_GRACE} after the stop, so they cannot answer its barrier. What the
   * other workers read since {@code restorePoint} is read again.
   */
  void giveUpFinalCheckpoint(String startingWorkers, String restorePoint) {
    LOG.info(
        "Pipeline '{}': stopping without a final checkpoint, because {} still starting after {}"
            + " (creating its reader and writers); the next start restores {}",
        pipelineName,
        startingWorkers,
        PipelineOptions.CHECKPOINT_TIMEOUT.display(STARTING_GRACE),
        restorePoint);
    withoutFinalCheckpoint = true;
  }

  /** Whether the final checkpoint was given up, so the workers stop without draining. */
  boolean isWithoutFinalCheckpoint() {
    return withoutFinalCheckpoint;
  }
}
