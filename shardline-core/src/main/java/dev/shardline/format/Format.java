package dev.shardline.format;

/**
 * A record format: both directions, bytes to values and back, under one name ({@code json}, {@code
 * avro}, {@code string}, {@code bytes}). Built-in formats are immutable, serializable and
 * thread-safe; {@link FormatOptions#createFormat} picks one from configuration.
 *
 * <pre>{@code
 * Format<JsonNode> json = JsonFormat.forJsonNode();
 * byte[] bytes = json.serialize(json.deserialize(input));
 * }</pre>
 *
 * @param <T> the value type
 */
public interface Format<T> extends DeserializationSchema<T>, SerializationSchema<T> {

  /** The format's name in configuration, e.g. {@code json}. */
  String name();
}
