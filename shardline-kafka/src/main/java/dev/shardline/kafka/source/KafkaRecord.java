package dev.shardline.kafka.source;

import dev.shardline.kafka.config.MetadataField;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A value read from Kafka with the metadata fields the source was asked for (option {@code
 * metadataFields}, or {@code KafkaSource.Builder#metadataFields}); fields not asked for are null.
 * What a source emits when metadata fields are picked. Immutable (the key bytes are not copied: do
 * not change them).
 *
 * <pre>{@code
 * KafkaSource<KafkaRecord<JsonNode>> source =
 *     KafkaSource.builder().format(JsonFormat.forJsonNode())
 *         .bootstrapServers("localhost:9092")
 *         .topics("orders")
 *         .metadataFields(MetadataField.KEY, MetadataField.OFFSET)
 *         .buildWithMetadata();
 * // record.value(), record.keyAsString(), record.offset()
 * }</pre>
 *
 * @param value the decoded value
 * @param topic the topic ({@link MetadataField#TOPIC})
 * @param partition the partition ({@link MetadataField#PARTITION})
 * @param offset the offset ({@link MetadataField#OFFSET})
 * @param timestamp the record timestamp, ms since the epoch ({@link MetadataField#TIMESTAMP})
 * @param key the key as bytes; null when not asked for or the record has none ({@link
 *     MetadataField#KEY})
 * @param headers the headers in order ({@link MetadataField#HEADERS})
 * @param <T> the value type
 */
public record KafkaRecord<T>(
    T value,
    String topic,
    Integer partition,
    Long offset,
    Long timestamp,
    byte[] key,
    List<KafkaHeader> headers) {

  /** The key as UTF-8 text (invalid bytes become U+FFFD), or null when there is none. */
  public String keyAsString() {
    return key == null ? null : new String(key, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaRecord<?> r
        && Objects.equals(value, r.value)
        && Objects.equals(topic, r.topic)
        && Objects.equals(partition, r.partition)
        && Objects.equals(offset, r.offset)
        && Objects.equals(timestamp, r.timestamp)
        && Arrays.equals(key, r.key)
        && Objects.equals(headers, r.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, topic, partition, offset, timestamp, Arrays.hashCode(key), headers);
  }

  @Override
  public String toString() {
    return "KafkaRecord{topic="
        + topic
        + ", partition="
        + partition
        + ", offset="
        + offset
        + ", timestamp="
        + timestamp
        + ", key="
        + (key == null ? "null" : key.length + " bytes")
        + ", headers="
        + headers
        + ", value="
        + value
        + "}";
  }
}
