package dev.shardline.api;

import java.util.List;

/**
 * Discovers a source's splits and assigns them to readers (one enumerator per source, on the
 * coordinator). All methods are called from one thread; asynchronous work goes through {@link
 * SplitEnumeratorContext#callAsync}, whose handlers also run on that thread.
 *
 * @param <S> the split type
 * @param <E> the checkpoint state
 */
public interface SplitEnumerator<S extends SourceSplit, E> extends AutoCloseable {

  /** Starts discovery (e.g. schedules periodic shard listing). */
  void start();

  /** A reader registered (at start, or after a restart). Assign it what it should own. */
  void addReader(int readerId);

  /**
   * Splits come back from a reader that failed, or from a checkpoint being restored at another
   * parallelism: reassign them. They carry the positions of the last completed checkpoint.
   *
   * <p>When restoring at another parallelism, {@code readerId} is the reader that owned the splits
   * in the checkpoint and may not exist any more: assign them with the enumerator's assignment
   * function, to readers in {@link SplitEnumeratorContext#registeredReaders()} (the embedded runner
   * calls this after {@link #start()} and before any {@link #addReader}, so keep them pending until
   * their reader registers).
   */
  void addSplitsBack(List<S> splits, int readerId);

  /** An event a reader sent (see {@link SourceReaderContext#sendEventToEnumerator}). */
  default void handleSourceEvent(int readerId, SourceEvent event) {}

  /** The state to store in checkpoint {@code checkpointId}. */
  E snapshotState(long checkpointId) throws Exception;

  /** Checkpoint {@code checkpointId} is durable. */
  default void notifyCheckpointComplete(long checkpointId) throws Exception {}

  @Override
  default void close() throws Exception {}
}
