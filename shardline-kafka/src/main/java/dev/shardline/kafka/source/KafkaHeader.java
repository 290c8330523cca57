package dev.shardline.kafka.source;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One header of a Kafka record. Immutable (the value is not copied: do not change it).
 *
 * @param key the header key
 * @param value the header value; null when the header has none
 */
public record KafkaHeader(String key, byte[] value) {

  public KafkaHeader {
    checkNotNull(key, "key");
  }

  /** The value as UTF-8 text (invalid bytes become U+FFFD), or null when there is none. */
  public String valueAsString() {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaHeader h && key.equals(h.key) && Arrays.equals(value, h.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return key + "=" + (value == null ? "null" : value.length + " bytes");
  }
}
