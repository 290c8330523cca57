package dev.shardline.format;

import java.io.IOException;
import java.io.Serializable;

/**
 * Turns the bytes of one record (a Kinesis record's data, a Kafka record's value) into a value.
 * Serializable, so a Flink job can ship it; implementations keep only configuration in fields and
 * build parsers lazily. Built-in implementations are thread-safe.
 *
 * <pre>{@code
 * DeserializationSchema<JsonNode> json = JsonFormat.forJsonNode();
 * JsonNode order = json.deserialize(bytes);
 * }</pre>
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface DeserializationSchema<T> extends Serializable {

  /**
   * The value the bytes hold; never null.
   *
   * @throws IOException (or an unchecked exception) when the bytes are not a valid record: the
   *     {@link RecordDecoder} then applies the bad-data policy
   */
  T deserialize(byte[] bytes) throws IOException;

  /**
   * The class of the values it returns, as precisely as it knows it ({@code Object} when it does
   * not); sources report it as their {@link dev.shardline.api.Source#recordClass()}.
   */
  default Class<?> producedClass() {
    return Object.class;
  }
}
