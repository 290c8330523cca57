package dev.shardline.api;

import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;

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

  /** Where records go that the bad-data policy sends to the dead-letter sink. */
  DeadLetterOutput deadLetters();

  /** Metrics, tagged with the pipeline, sink and writer. */
  MeterRegistry metrics();

  /** The clock to use instead of {@link System}. */
  Time time();
}
