package dev.shardline.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the splits one worker owns. {@link #pollNext} never blocks: I/O runs asynchronously (SDK
 * async clients, futures) and its results are handed back to the worker thread, so a few threads
 * serve thousands of shards. All methods are called from the worker's thread.
 *
 * <p>Checkpoint contract: {@link #snapshotState} is called between two {@code pollNext} calls and
 * returns every owned split with the position after the last record collected so far; restoring
 * those splits resumes right after that record, with no replay and no gap.
 *
 * @param <T> the records it emits
 * @param <S> the split type
 */
public interface SourceReader<T, S extends SourceSplit> extends AutoCloseable {

  /** Called once before the first poll. */
  void start();

  /** Emits what is ready into {@code output}, and says whether more is ready. */
  InputStatus pollNext(ReaderOutput<T> output) throws Exception;

  /**
   * Completes when {@link #pollNext} may have something to emit. The runner waits on it after
   * {@link InputStatus#NOTHING_AVAILABLE} (and wakes up anyway for checkpoints).
   */
  CompletableFuture<Void> isAvailable();

  /** New splits for this reader, from the enumerator or a restored checkpoint. */
  void addSplits(List<S> splits);

  /** The enumerator will assign no more splits: once the owned ones end, return END_OF_INPUT. */
  void notifyNoMoreSplits();

  /** An event from the enumerator ({@link SplitEnumeratorContext#sendEventToReader}). */
  default void handleSourceEvent(SourceEvent event) {}

  /** Every owned split with its current position, for checkpoint {@code checkpointId}. */
  List<S> snapshotState(long checkpointId) throws Exception;

  /** Checkpoint {@code checkpointId} is durable (e.g. commit offsets back to Kafka). */
  default void notifyCheckpointComplete(long checkpointId) throws Exception {}

  @Override
  default void close() throws Exception {}
}
