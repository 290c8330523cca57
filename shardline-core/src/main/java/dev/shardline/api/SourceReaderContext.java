package dev.shardline.api;

import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;

/** What the runtime gives a {@link SourceReader}. Call it only from the reader's thread. */
public interface SourceReaderContext {

  /** This reader's index, 0 to {@link #parallelism()} - 1. */
  int readerIndex();

  /** How many readers the source runs with. */
  int parallelism();

  /** Sends an event to the enumerator ({@link SplitEnumerator#handleSourceEvent}). */
  void sendEventToEnumerator(SourceEvent event);

  /** Where records go that the bad-data policy sends to the dead-letter sink. */
  DeadLetterOutput deadLetters();

  /** Metrics, tagged with the pipeline, source and reader. */
  MeterRegistry metrics();

  /** The clock to use instead of {@link System}. */
  Time time();
}
