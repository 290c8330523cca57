package dev.shardline.testkit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produces numbered records and reads topics to their end, for the LocalKafka tests. */
final class Records {
  static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private Records() {}

  /**
   * Sends records "0" .. "count-1", record i to partition i % partitions, and waits until the
   * broker acknowledged every one of them (acks=all).
   */
  static void produceNumbered(LocalKafka kafka, String topic, int count, int partitions) {
    Properties properties = kafka.producerProperties();
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      List<Future<RecordMetadata>> sends = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String value = Integer.toString(i);
        sends.add(producer.send(new ProducerRecord<>(topic, i % partitions, value, value)));
      }
      producer.flush();
      for (Future<RecordMetadata> send : sends) {
        send.get();
      }
    } catch (ExecutionException e) {
      throw new AssertionError("A send to " + topic + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** What {@link #produceNumbered} wrote to {@code partition}, in order. */
  static List<String> expectedInPartition(int count, int partitions, int partition) {
    return IntStream.range(0, count)
        .filter(i -> i % partitions == partition)
        .mapToObj(Integer::toString)
        .collect(Collectors.toList());
  }

  /**
   * Reads {@code partitions} from the beginning until the consumer's position reaches the end
   * offsets taken when it starts (for read_committed: the last stable offset), and returns the
   * values read per partition, in order.
   *
   * @param extra consumer properties, e.g. the isolation level
   */
  static Map<Integer, List<String>> readToEnd(
      LocalKafka kafka, Collection<TopicPartition> partitions, Map<String, String> extra) {
    Properties properties = kafka.consumerProperties("unused");
    properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    properties.putAll(extra);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      return pollUntil(consumer, end);
    }
  }

  /**
   * Subscribes to {@code topic} in consumer group {@code groupId} and reads until its position on
   * every partition reaches the partition's end offset at the time of the call.
   */
  static Map<Integer, List<String>> consumeInGroup(
      LocalKafka kafka, String topic, String groupId, int partitions) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            kafka.consumerProperties(groupId),
            new StringDeserializer(),
            new StringDeserializer())) {
      List<TopicPartition> all =
          IntStream.range(0, partitions)
              .mapToObj(p -> new TopicPartition(topic, p))
              .collect(Collectors.toList());
      Map<TopicPartition, Long> end = consumer.endOffsets(all);
      consumer.subscribe(List.of(topic));
      return pollUntil(consumer, end);
    }
  }

  private static Map<Integer, List<String>> pollUntil(
      KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
    Map<Integer, List<String>> values = new TreeMap<>();
    end.keySet().forEach(tp -> values.put(tp.partition(), new ArrayList<>()));
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (!reached(consumer, end)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "Did not reach end offsets " + end + " within " + READ_TIMEOUT + "; read " + values);
      }
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        values.get(record.partition()).add(record.value());
      }
    }
    return values;
  }

  private static boolean reached(
      KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
    if (!consumer.assignment().containsAll(end.keySet())) {
      return false;
    }
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }
}
