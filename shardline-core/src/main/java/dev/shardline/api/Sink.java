package dev.shardline.api;

import java.io.Serializable;

/**
 * A destination for records: a factory for one {@link SinkWriter} per worker. A sink whose writers
 * keep state across checkpoints is a {@link StatefulSink}; one that commits in two phases is a
 * {@link TransactionalSink}. Implementations are immutable configuration and thread-safe.
 *
 * <p><b>A definition, not a running thing.</b> A sink is {@link Serializable}: the Flink adapter
 * Java-serializes it to the cluster, where each task deserializes its own copy. So its fields hold
 * only configuration ({@code dev.shardline.config.Configuration}, strings, enums, durations), its
 * format ({@code SerializationSchema}) and serializable functions ({@code
 * dev.shardline.api.function}: key, topic or stream per record); every SDK client, Kafka producer,
 * thread, executor, meter registry or open file is made in {@link #createWriter} (and {@link
 * TransactionalSink#createCommitter}) and closed with what it was made for. {@link
 * dev.shardline.config.Serializability#requireSerializable} checks a sink before it is shipped and
 * names the field that cannot be serialized.
 *
 * @param <T> the records it accepts
 */
public interface Sink<T> extends Serializable {

  /** A writer for one worker. */
  SinkWriter<T> createWriter(SinkContext context) throws Exception;
}
