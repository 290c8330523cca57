package dev.shardline.format;

import java.io.IOException;
import java.io.Serializable;

/**
 * Turns a value into the bytes of one record, for sinks. Serializable, so a Flink job can ship it.
 * Built-in implementations are thread-safe.
 *
 * <pre>{@code
 * SerializationSchema<String> text = StringFormat.utf8();
 * byte[] data = text.serialize("hello");
 * }</pre>
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface SerializationSchema<T> extends Serializable {

  /**
   * The bytes of {@code value}.
   *
   * @throws IOException when the value cannot be written in this format (e.g. it does not match the
   *     Avro schema): the record's fault, which a sink's invalid-record policy handles
   * @throws dev.shardline.api.ShardlineException when the format itself cannot work (a schema
   *     registry that gives no answer or refuses the credentials): not the record's fault, so sinks
   *     let it through as it is, never dead-lettering the record
   */
  byte[] serialize(T value) throws IOException;
}
