package dev.shardline.kafka.source.reader;

import dev.shardline.kafka.config.MetadataField;
import dev.shardline.kafka.source.KafkaHeader;
import dev.shardline.kafka.source.KafkaRecord;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns a decoded value and the Kafka record it came from into what the source emits: the value
 * itself, or a {@link KafkaRecord} with the picked metadata fields. Stateless and thread-safe.
 *
 * @param <V> the decoded value
 * @param <T> what the source emits
 */
@FunctionalInterface
public interface RecordEmitter<V, T> extends Serializable {

  /** What to emit for {@code value}, decoded from {@code record}. */
  T emit(V value, ConsumerRecord<byte[], byte[]> record);

  /** Emits the value alone. */
  static <V> RecordEmitter<V, V> valueOnly() {
    return (value, record) -> value;
  }

  /** Emits a {@link KafkaRecord} holding the value and {@code fields}. */
  static <V> RecordEmitter<V, KafkaRecord<V>> withMetadata(Set<MetadataField> fields) {
    boolean key = fields.contains(MetadataField.KEY);
    boolean topic = fields.contains(MetadataField.TOPIC);
    boolean partition = fields.contains(MetadataField.PARTITION);
    boolean offset = fields.contains(MetadataField.OFFSET);
    boolean timestamp = fields.contains(MetadataField.TIMESTAMP);
    boolean headers = fields.contains(MetadataField.HEADERS);
    return (value, record) ->
        new KafkaRecord<>(
            value,
            topic ? record.topic() : null,
            partition ? record.partition() : null,
            offset ? record.offset() : null,
            timestamp ? record.timestamp() : null,
            key ? record.key() : null,
            headers ? headersOf(record) : null);
  }

  private static List<KafkaHeader> headersOf(ConsumerRecord<byte[], byte[]> record) {
    List<KafkaHeader> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(new KafkaHeader(header.key(), header.value()));
    }
    return List.copyOf(headers);
  }
}
