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
   * Accepts one record. May buffer; may block when the writer's buffer is full (backpressure).
   *
   * @throws ShardlineException when the record cannot be written (e.g. over the size limit)
   */
  void write(T record) throws Exception;

  /** Returns once everything written before this call is durable (see the class comment). */
  void flush() throws Exception;

  /** Releases resources. Does not flush: what was not flushed is replayed from the checkpoint. */
  @Override
  default void close() throws Exception {}
}
