package dev.shardline.api;

import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.OptionalLong;

/** What the runtime gives a {@link SinkWriter} and a {@link Committer}. */
public interface SinkContext {

  /** The writing worker's index, 0 to {@link #parallelism()} - 1. */
  int writerIndex();

  /** How many writers the sink runs with. */
  int parallelism();

  /**
   * A name for the pipeline, stable across restarts; sinks use it in names that must survive a
   * crash (transactional ids, part file names).
   */
  String pipelineName();

  /**
   * Which of the pipeline's sinks this writer or committer belongs to, stable across restarts as
   * long as the pipeline keeps its sinks in the same order: {@code sink-0}, {@code sink-1}, ... and
   * {@code dead-letter} on the embedded runner (letters, digits and {@code -} only). Sinks put it
   * in durable names that two sinks of one pipeline must not share, such as the part files of two
   * file sinks writing one directory. Empty by default, for runtimes that do not know it.
   */
  default Optional<String> sinkId() {
    return Optional.empty();
  }

  /** Where records go that the bad-data policy sends to the dead-letter sink. */
  DeadLetterOutput deadLetters();

  /** Metrics, tagged with the pipeline, sink and writer. */
  MeterRegistry metrics();

  /** The clock to use instead of {@link System}. */
  Time time();

  /**
   * Timers whose callbacks run on the writer's own thread, between the runtime's calls into the
   * writer (see {@link ProcessingTimeService}): how a writer sends what it buffered while no record
   * arrives. For a writer only: a {@link Committer}'s context throws {@link
   * UnsupportedOperationException}.
   */
  ProcessingTimeService processingTimeService();

  /**
   * The checkpoint this writer (or committer) was restored from, empty on a fresh start. Checkpoint
   * ids grow by one per checkpoint, so a writer that needs names that are stable per checkpoint
   * (part files, transactional ids) can number its transactions from here: the next {@link
   * CommittingSinkWriter#prepareCommit()} belongs to the checkpoint after this one. Empty by
   * default, for runtimes that do not know it.
   */
  default OptionalLong restoredCheckpointId() {
    return OptionalLong.empty();
  }
}
