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
   * The writer's mailbox (see {@link WriterMailbox}): where its I/O callbacks hand results back to
   * its thread, and how it waits for them ({@code while (full) mailbox.yield();}) without blocking
   * that thread. Its timers' callbacks arrive there too. For a writer only: a {@link Committer}'s
   * context throws {@link UnsupportedOperationException}.
   */
  WriterMailbox mailbox();

  /**
   * The checkpoint this writer (or committer) was restored from, empty on a fresh start. Output
   * committed under an id after it and below {@link #firstCheckpointId()} belongs to a checkpoint
   * that was lost (a corrupt newest checkpoint file, say): its records are read again, so a sink
   * that can take committed output back (the file sink) does so. Empty by default, for runtimes
   * that do not know it.
   */
  default OptionalLong restoredCheckpointId() {
    return OptionalLong.empty();
  }

  /**
   * The id of the first checkpoint this writer takes part in: its first {@link
   * CommittingSinkWriter#prepareCommit()} belongs to this checkpoint, and each later one to the
   * next id (ids grow by one per checkpoint while a writer lives). A writer that needs names stable
   * per checkpoint (part files, transactional ids) numbers its transactions from here. It is above
   * every checkpoint id the pipeline ever used, lost ones included, so such a name is never used
   * twice; it need not be {@code restoredCheckpointId() + 1}. By default {@code
   * restoredCheckpointId() + 1} (1 on a fresh start), for runtimes that do not say.
   */
  default long firstCheckpointId() {
    return restoredCheckpointId().orElse(0) + 1;
  }
}
