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

  /**
   * The pipeline ended for good: every reader reached the end of its input, or the pipeline was
   * stopped on request, and its readers are closed already. Release what outlives a run and must
   * not outlive the pipeline (Kinesis: a stream consumer the pipeline registered). Called once, on
   * the enumerator's thread, right before {@link #close()}; never before a close that a restart
   * follows (a failure restored from the last checkpoint), nor when the pipeline fails.
   *
   * <p>The embedded runner calls it when a run finishes or stops. Flink cannot tell a job's end
   * from a failover that recreates the enumerator, so its adapter calls it before every close of
   * the enumerator (as Flink's own Kinesis connector deregisters its consumer at close); what it
   * releases must therefore be recreated by {@link #start()}. It may block briefly (a bounded wait
   * on a final call); a failure here is logged and never fails the stop.
   */
  default void notifyPipelineEnded() throws Exception {}

  @Override
  default void close() throws Exception {}
}
