package dev.shardline.api;

/**
 * Writes one worker's records. Called from the worker's thread only; a writer may use other threads
 * for I/O but hands results back to its own.
 *
 * <p>Checkpoint contract: the runner calls {@link #flush()} at every checkpoint before it snapshots
 * the source; when flush returns, everything written before it is durable at the destination (or,
 * for a {@link TransactionalSink}, in the transaction that {@link
 * CommittingSinkWriter#prepareCommit} hands over). That is what makes sink output at least once
 * (exactly once with transactions) with the checkpointed source positions.
 *
 * @param <T> the records it accepts
 */
public interface SinkWriter<T> extends AutoCloseable {

  /**
   * Accepts one record. May buffer. When the writer's buffer is full (backpressure) it does not
   * block or sleep: it yields through {@link SinkContext#mailbox()} until there is room, which runs
   * its own mails and timers (responses arriving, a backoff ending) on this thread.
   *
   * @throws ShardlineException when the record cannot be written (e.g. over the size limit)
   */
  void write(T record) throws Exception;

  /**
   * Returns once everything written before this call is durable (see the class comment). Waits for
   * what is in flight by yielding through {@link SinkContext#mailbox()}, not by blocking.
   */
  void flush() throws Exception;

  /** Releases resources. Does not flush: what was not flushed is replayed from the checkpoint. */
  @Override
  default void close() throws Exception {}
}
