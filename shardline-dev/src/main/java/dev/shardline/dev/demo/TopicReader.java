package dev.shardline.dev.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the demo's Kafka topic back as a downstream consumer would (isolation.level read_committed:
 * only what committed transactions hold) and counts how often each event (its {@code seq}) arrived.
 * Not thread-safe.
 */
final class TopicReader implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<Long, Integer> counts = new HashMap<>();
  private long records;
  private long unreadable;

  TopicReader(String bootstrapServers, String topic) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .collect(Collectors.toList());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads what is there now (one poll). */
  void poll(Duration timeout) {
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
      records++;
      try {
        JsonNode json = JSON.readTree(record.value());
        JsonNode seq = json == null ? null : json.get("seq");
        if (seq == null || !seq.canConvertToLong()) {
          unreadable++;
        } else {
          counts.merge(seq.asLong(), 1, Integer::sum);
        }
      } catch (IOException e) {
        unreadable++;
      }
    }
  }

  /** How many distinct events arrived. */
  long distinct() {
    return counts.size();
  }

  /** How many records arrived in all. */
  long records() {
    return records;
  }

  /** Records that were not demo events. */
  long unreadable() {
    return unreadable;
  }

  /** How many times each event arrived. */
  Map<Long, Integer> counts() {
    return counts;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
