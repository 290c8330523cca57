package dev.shardline.kafka.sink;

import dev.shardline.api.ShardlineException;
import dev.shardline.format.SerializationSchema;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Makes the Kafka record for a sink's record: the topic (fixed or chosen per record), the key (from
 * the key function, or none) and the value (from the format). Stateless and thread-safe if the
 * functions are.
 */
final class RecordSerializer<T> {
  private final SerializationSchema<? super T> valueSchema;
  private final Function<? super T, String> topicSelector;
  private final Function<? super T, byte[]> keySelector;
  private final String formatName;

  RecordSerializer(
      SerializationSchema<? super T> valueSchema,
      Function<? super T, String> topicSelector,
      Function<? super T, byte[]> keySelector,
      String formatName) {
    this.valueSchema = valueSchema;
    this.topicSelector = topicSelector;
    this.keySelector = keySelector;
    this.formatName = formatName;
  }

  ProducerRecord<byte[], byte[]> toRecord(T record) {
    String topic = topicSelector.apply(record);
    if (topic == null || topic.isEmpty()) {
      throw new ShardlineException(
          "The topic function of the Kafka sink returned no topic for record " + record);
    }
    byte[] value;
    try {
      value = valueSchema.serialize(record);
    } catch (ShardlineException e) {
      // the format's own trouble (a schema registry that gives no answer), typed: as it is
      throw e;
    } catch (Exception e) {
      throw new ShardlineException(
          "Cannot serialize a record for Kafka topic "
              + topic
              + " with "
              + formatName
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()),
          e);
    }
    byte[] key = keySelector == null ? null : keySelector.apply(record);
    return new ProducerRecord<>(topic, null, key, value);
  }
}
