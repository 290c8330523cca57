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

  /** Whether it emits {@link KafkaRecord}s (with metadata) rather than the values alone. */
  default boolean emitsKafkaRecords() {
    return false;
  }

  /** Emits the value alone. */
  static <V> RecordEmitter<V, V> valueOnly() {
    return (value, record) -> value;
  }

  /** Emits a {@link KafkaRecord} holding the value and {@code fields}. */
  static <V> RecordEmitter<V, KafkaRecord<V>> withMetadata(Set<MetadataField> fields) {
    return new WithMetadata<>(fields);
  }

  /** Emits a {@link KafkaRecord} holding the value and the chosen metadata fields. */
  final class WithMetadata<V> implements RecordEmitter<V, KafkaRecord<V>> {
    private static final long serialVersionUID = 1L;
    private final boolean key;
    private final boolean topic;
    private final boolean partition;
    private final boolean offset;
    private final boolean timestamp;
    private final boolean headers;

    private WithMetadata(Set<MetadataField> fields) {
      key = fields.contains(MetadataField.KEY);
      topic = fields.contains(MetadataField.TOPIC);
      partition = fields.contains(MetadataField.PARTITION);
      offset = fields.contains(MetadataField.OFFSET);
      timestamp = fields.contains(MetadataField.TIMESTAMP);
      headers = fields.contains(MetadataField.HEADERS);
    }

    @Override
    public KafkaRecord<V> emit(V value, ConsumerRecord<byte[], byte[]> record) {
      return new KafkaRecord<>(
          value,
          topic ? record.topic() : null,
          partition ? record.partition() : null,
          offset ? record.offset() : null,
          timestamp ? record.timestamp() : null,
          key ? record.key() : null,
          headers ? headersOf(record) : null);
    }

    @Override
    public boolean emitsKafkaRecords() {
      return true;
    }
  }

  private static List<KafkaHeader> headersOf(ConsumerRecord<byte[], byte[]> record) {
    List<KafkaHeader> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(new KafkaHeader(header.key(), header.value()));
    }
    return List.copyOf(headers);
  }
}
