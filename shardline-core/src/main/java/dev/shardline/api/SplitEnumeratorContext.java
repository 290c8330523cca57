package dev.shardline.api;

import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * What the runtime (embedded runner or Flink) gives a {@link SplitEnumerator}. Methods may be
 * called only from the enumerator's thread.
 *
 * @param <S> the split type
 */
public interface SplitEnumeratorContext<S extends SourceSplit> {

  /** How many readers the source runs with. */
  int parallelism();

  /** The ids (0 to parallelism - 1) of the readers currently registered. */
  Set<Integer> registeredReaders();

  /** Hands splits to readers; each reader gets them through {@link SourceReader#addSplits}. */
  void assignSplits(Map<Integer, List<S>> assignment);

  /** Tells a reader it will get no more splits (bounded sources). */
  void signalNoMoreSplits(int readerId);

  /** Sends an event to one reader ({@link SourceReader#handleSourceEvent}). */
  void sendEventToReader(int readerId, SourceEvent event);

  /**
   * Runs {@code callable} off the enumerator thread, first after {@code initialDelay} and then
   * every {@code period} (zero: once), and hands each result or error to {@code handler} on the
   * enumerator thread. Used for discovery (ListShards, topic metadata) so the enumerator never
   * blocks.
   */
  <R> void callAsync(
      Callable<R> callable,
      BiConsumer<R, Throwable> handler,
      Duration initialDelay,
      Duration period);

  /** Metrics, tagged with the pipeline and source. */
  MeterRegistry metrics();

  /** The clock to use instead of {@link System}. */
  Time time();
}
