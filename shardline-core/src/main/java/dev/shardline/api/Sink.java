package dev.shardline.api;

/**
 * A destination for records: a factory for one {@link SinkWriter} per worker. A sink whose writers
 * keep state across checkpoints is a {@link StatefulSink}; one that commits in two phases is a
 * {@link TransactionalSink}. Implementations are immutable configuration and thread-safe.
 *
 * @param <T> the records it accepts
 */
public interface Sink<T> {

  /** A writer for one worker. */
  SinkWriter<T> createWriter(SinkContext context) throws Exception;
}
