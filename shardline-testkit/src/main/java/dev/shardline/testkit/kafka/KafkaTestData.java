package dev.shardline.testkit.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes and reads test topics on a {@link LocalKafka}: for tests of Kafka sources and sinks. */
public final class KafkaTestData {
  private KafkaTestData() {}

  /** Writes {@code count} records made by {@code record} (index to key and value), in order. */
  public static void produce(
      LocalKafka kafka, String topic, int count, IntFunction<ProducerRecord<byte[], byte[]>> record)
      throws Exception {
    Properties props = kafka.producerProperties();
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    // on a busy machine a request may time out after the broker wrote it; with one request in
    // flight the retry is recognized as a duplicate instead of failing as out of order
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        sends.add(producer.send(record.apply(i)));
        if (sends.size() >= 10_000) {
          for (var f : sends) {
            f.get(300, TimeUnit.SECONDS);
          }
          sends.clear();
        }
      }
      producer.flush();
      for (var f : sends) {
        f.get(300, TimeUnit.SECONDS);
      }
    }
  }

  /** A record with a UTF-8 key and value. */
  public static ProducerRecord<byte[], byte[]> text(String topic, String key, String value) {
    return new ProducerRecord<>(
        topic, key == null ? null : key.getBytes(UTF_8), value.getBytes(UTF_8));
  }

  /**
   * Every record of {@code topic} up to its end offsets now, per partition in offset order, read
   * with {@code isolation.level} read_committed or read_uncommitted.
   */
  public static Map<Integer, List<ConsumerRecord<byte[], byte[]>>> readAll(
      LocalKafka kafka, String topic, boolean readCommitted) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!done(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("Could not read " + topic + " up to " + end + " within 60 s");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
        }
      }
    }
    return byPartition;
  }

  private static boolean done(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey(), Duration.ofSeconds(30)) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** The values of {@code records} as UTF-8 text, in order. */
  public static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
    List<String> values = new ArrayList<>(records.size());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      values.add(new String(r.value(), UTF_8));
    }
    return values;
  }
}
