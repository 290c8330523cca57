package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.junit.LocalKinesisExtension;
import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.kinesis.StreamContents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The examples that write Kinesis or touch Kafka, run through the launcher against kinesis-local
 * and a local Kafka broker, each on its own stream and topic.
 */
class ConnectorExamplesIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final LocalKinesisExtension KINESIS =
      new LocalKinesisExtension(
          LocalKinesis.builder()
              .initialStream("events", 2)
              .initialStream("orders", 2)
              .initialStream("paid-orders", 2));

  @RegisterExtension static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

  @TempDir Path dir;

  private Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("KINESIS_ENDPOINT", KINESIS.get().endpoint().toString());
    env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.get().bootstrapServers());
    return env;
  }

  @Test
  void generatorToKinesisWritesEveryEventPartitionedByItsKey() throws Exception {
    try (ShardlineProcess run =
        ShardlineProcess.start(
            dir,
            env(Map.of("EVENTS", "500", "KINESIS_STREAM", "events")),
            "run",
            "--status=off",
            ExamplesIT.EXAMPLES.resolve("generator-to-kinesis.yaml").toString())) {
      assertThat(run.awaitExit(TIMEOUT)).as(run.output()).isZero();
      assertThat(run.output()).contains("Pipeline 'generator-to-kinesis' finished");
    }

    List<Record> records = readStream(KINESIS.get().client(), "events", r -> true, 500);
    assertThat(records).hasSize(500);
    List<Long> seqs = new ArrayList<>();
    for (Record record : records) {
      JsonNode json = JSON.readTree(record.data().asByteArray());
      seqs.add(json.get("seq").asLong());
      assertThat(record.partitionKey()).isEqualTo(json.get("key").asText());
    }
    assertThat(seqs).doesNotHaveDuplicates();
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

  @Test
  void kafkaToKinesisForwardsPaidOrdersWithoutTheirNotes() throws Exception {
    KAFKA.get().createTopic("orders", 2);
    Properties producerProperties = KAFKA.get().producerProperties();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerProperties, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 200; i++) {
        producer.send(
            new ProducerRecord<>(
                "orders",
                "order-" + i,
                "{\"orderId\":"
                    + i
                    + ",\"customerId\":\"c-"
                    + (i % 7)
                    + "\",\"status\":\""
                    + (i % 2 == 0 ? "paid" : "open")
                    + "\",\"internalNotes\":\"secret stuff\"}"));
      }
    }

    List<Record> forwarded;
    try (ShardlineProcess run =
        ShardlineProcess.start(
            dir,
            env(Map.of("KAFKA_TOPIC", "orders", "KINESIS_STREAM", "paid-orders")),
            "run",
            "--status=off",
            ExamplesIT.EXAMPLES.resolve("kafka-to-kinesis.yaml").toString())) {
      forwarded = readStream(KINESIS.get().client(), "paid-orders", r -> true, 100);
      run.terminate();
      assertThat(run.awaitExit(TIMEOUT)).as(run.output()).isZero();
    }

    assertThat(forwarded).hasSize(100);
    List<Integer> ids = new ArrayList<>();
    for (Record record : forwarded) {
      JsonNode json = JSON.readTree(record.data().asByteArray());
      ids.add(json.get("orderId").asInt());
      assertThat(json.get("status").asText()).isEqualTo("paid");
      assertThat(json.has("internalNotes")).isFalse();
      assertThat(json.at("/kafka/offset").isNumber()).isTrue();
      assertThat(record.partitionKey()).isEqualTo(json.get("customerId").asText());
    }
    assertThat(ids).doesNotHaveDuplicates();
  }

  /** Reads {@code stream} from its start until {@code count} records or the timeout. */
  static List<Record> readStream(
      KinesisClient client, String stream, Predicate<Record> filter, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    Map<String, String> iterators = new HashMap<>();
    List<Record> records = new ArrayList<>();
    for (Shard shard : StreamContents.shards(client, stream)) {
      iterators.put(
          shard.shardId(), StreamContents.trimHorizonIterator(client, stream, shard.shardId()));
    }
    while (records.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "only " + records.size() + " of " + count + " records in " + stream);
      }
      boolean any = false;
      for (Map.Entry<String, String> e : iterators.entrySet()) {
        String iterator = e.getValue();
        GetRecordsResponse response = client.getRecords(b -> b.shardIterator(iterator));
        response.records().stream().filter(filter).forEach(records::add);
        any |= !response.records().isEmpty();
        e.setValue(response.nextShardIterator());
      }
      if (!any) {
        Thread.sleep(200); // kinesis-local offers no way to wait for records
      }
    }
    return records;
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
