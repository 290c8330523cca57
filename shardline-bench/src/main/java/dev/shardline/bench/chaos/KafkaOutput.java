package dev.shardline.bench.chaos;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the Kafka pipeline's topic from the beginning as a downstream consumer of an exactly-once
 * sink would ({@code isolation.level=read_committed}: only records of committed transactions) and
 * feeds every record, partition by partition in offset order, to a {@link DeliveryCheck}. A key's
 * records all go to one partition, so offset order is the order a consumer sees them in. Not
 * thread-safe.
 */
final class KafkaOutput implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> partitions;
  private final DeliveryCheck check = new DeliveryCheck();

  KafkaOutput(String bootstrapServers, String topic) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /**
   * Reads until every partition's position has reached its end for read_committed readers (the last
   * stable offset) as it was when called, or {@code timeout} passed; returns whether it got there.
   */
  boolean catchUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    while (true) {
      boolean done = true;
      for (TopicPartition partition : partitions) {
        if (consumer.position(partition, timeout) < end.get(partition)) {
          done = false;
        }
      }
      if (done) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        check.deliver(
            new String(record.value(), UTF_8),
            "partition " + record.partition() + " offset " + record.offset());
      }
    }
  }

  /** What has been read so far. */
  DeliveryCheck check() {
    return check;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
