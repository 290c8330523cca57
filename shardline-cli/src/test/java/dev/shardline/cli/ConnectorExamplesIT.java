package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.junit.LocalKinesisExtension;
import dev.shardline.testkit.kinesis.LocalKinesis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples that write Kinesis or touch Kafka, run through the launcher against kinesis-local
 * and a local Kafka broker, each on its own stream and topic.
 */
class ConnectorExamplesIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final LocalKinesisExtension KINESIS =
      new LocalKinesisExtension(LocalKinesis.builder().initialStream("orders", 2));

  @RegisterExtension static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

  @TempDir Path dir;

  private Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("KINESIS_ENDPOINT", KINESIS.get().endpoint().toString());
    env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.get().bootstrapServers());
    return env;
  }

  @Test
  void kinesisToKafkaDeliversEachRecordOnceKeyedByItsPartitionKey() throws Exception {
    LocalKinesis kinesis = KINESIS.get();
    for (int i = 0; i < 300; i++) {
      int id = i;
      kinesis
          .client()
          .putRecord(
              b ->
                  b.streamName("orders")
                      .partitionKey("customer-" + (id % 5))
                      .data(
                          software.amazon.awssdk.core.SdkBytes.fromUtf8String(
                              "{\"orderId\":" + id + "}")));
    }
    KAFKA.get().createTopic("orders-from-kinesis", 2);

    List<ConsumerRecord<byte[], byte[]>> delivered;
    try (ShardlineProcess run =
        ShardlineProcess.start(
            dir,
            env(Map.of("KINESIS_STREAM", "orders", "KAFKA_TOPIC", "orders-from-kinesis")),
            "run",
            "--status=off",
            ExamplesIT.EXAMPLES.resolve("kinesis-to-kafka.yaml").toString())) {
      delivered = readTopic("orders-from-kinesis", 300);
      run.terminate();
      assertThat(run.awaitExit(TIMEOUT)).as(run.output()).isZero();
    }

    assertThat(delivered).hasSize(300);
    List<Integer> ids = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : delivered) {
      JsonNode json = JSON.readTree(record.value());
      ids.add(json.get("orderId").asInt());
      assertThat(new String(record.key(), StandardCharsets.UTF_8))
          .isEqualTo("customer-" + json.get("orderId").asInt() % 5);
      assertThat(json.at("/kinesis/shardId").asText()).startsWith("shardId-");
      assertThat(json.at("/kinesis/arrivalTime").asText()).endsWith("Z");
    }
    assertThat(ids).doesNotHaveDuplicates();
  }

  /** Reads {@code topic} (read_committed) until {@code count} records or the timeout. */
  private static List<ConsumerRecord<byte[], byte[]>> readTopic(String topic, int count) {
    Properties properties = KAFKA.get().consumerProperties("examples-it-" + topic);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }
}
