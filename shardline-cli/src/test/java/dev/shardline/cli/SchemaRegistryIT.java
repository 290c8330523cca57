package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.format.RegistryAvroFormat;
import dev.shardline.format.SchemaRegistrySettings;
import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.junit.LocalKinesisExtension;
import dev.shardline.testkit.junit.LocalSchemaRegistryExtension;
import dev.shardline.testkit.kinesis.LocalKinesis;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Avro with a schema registry (the Confluent wire format) through {@code shardline run}, against a
 * real Apicurio Registry, Kafka broker and kinesis-local. Test data is written and checked with
 * Apache Avro and plain HTTP calls to the registry, not with Shardline's format.
 */
class SchemaRegistryIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String V1 =
      "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"com.acme\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"customer\",\"type\":\"string\"}]}";
  private static final String V2 =
      "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"com.acme\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"customer\",\"type\":\"string\"},"
          + "{\"name\":\"note\",\"type\":\"string\",\"default\":\"none\"}]}";
  private static final String V3_NO_DEFAULT =
      "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"com.acme\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"customer\",\"type\":\"string\"},"
          + "{\"name\":\"note\",\"type\":\"string\",\"default\":\"none\"},"
          + "{\"name\":\"priority\",\"type\":\"int\"}]}";

  @RegisterExtension
  static final LocalSchemaRegistryExtension REGISTRY = new LocalSchemaRegistryExtension();

  @RegisterExtension
  static final LocalKinesisExtension KINESIS =
      new LocalKinesisExtension(
          LocalKinesis.builder().initialStream("orders-json", 2).initialStream("orders-avro", 2));

  @RegisterExtension static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void kafkaAvroFromTheRegistryToKinesisJsonReadsV1AndV2AsV2AndDeadLettersAnUnknownId()
      throws Exception {
    int v1 = register("orders-avro-value", V1);
    int v2 = register("orders-avro-value", V2);
    KAFKA.get().createTopic("orders-avro", 1);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            KAFKA.get().producerProperties(),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < 20; i++) {
        producer.send(new ProducerRecord<>("orders-avro", framed(v1, V1, order(V1, i, null))));
      }
      // offset 20: an id the registry never gave
      producer.send(new ProducerRecord<>("orders-avro", framed(987654, V1, order(V1, 20, null))));
      for (int i = 21; i < 41; i++) {
        producer.send(
            new ProducerRecord<>("orders-avro", framed(v2, V2, order(V2, i, "note-" + i))));
      }
    }
    Path schema = Files.writeString(dir.resolve("order-v2.avsc"), V2);
    Path deadLetters = dir.resolve("dead-letters");
    Path file =
        pipeline(
            "name: kafka-avro-to-kinesis\n"
                + "checkpoint:\n  interval: 1s\n"
                + "source:\n"
                + "  type: kafka\n"
                + "  bootstrapServers: "
                + KAFKA.get().bootstrapServers()
                + "\n  topics: [orders-avro]\n"
                + "  groupId: registry-it\n"
                + "  startingOffsets:\n    type: earliest\n"
                + "  format: avro\n"
                + "  avro:\n"
                + "    schemaFile: "
                + schema
                + "\n    registry:\n      url: "
                + REGISTRY.get().confluentUrl()
                + "\n  badData:\n    policy: dead-letter\n"
                + "sinks:\n"
                + kinesisSink("orders-json", "json")
                + "deadLetter:\n  type: file\n  path: "
                + deadLetters
                + "\n");

    List<Record> records;
    try (ShardlineProcess run =
        ShardlineProcess.start(dir, Map.of(), "run", "--status=off", file.toString())) {
      records =
          ConnectorExamplesIT.readStream(KINESIS.get().client(), "orders-json", r -> true, 40);
      KinesisExamplesIT.awaitLines(deadLetters, 1);
      run.terminate();
      assertThat(run.awaitExit(TIMEOUT)).as(run.output()).isZero();
    }

    Map<Long, JsonNode> byId = new HashMap<>();
    for (Record record : records) {
      JsonNode json = JSON.readTree(record.data().asByteArray());
      byId.put(json.get("id").asLong(), json);
    }
    assertThat(byId).hasSize(40);
    assertThat(byId.get(3L).get("customer").asText()).isEqualTo("c-3");
    assertThat(byId.get(3L).get("note").asText())
        .as("v1 read as v2: the default")
        .isEqualTo("none");
    assertThat(byId.get(30L).get("note").asText()).isEqualTo("note-30");
    assertThat(byId).doesNotContainKey(20L);

    JsonNode deadLetter = JSON.readTree(KinesisExamplesIT.lines(deadLetters).get(0));
    assertThat(deadLetter.get("error").asText()).contains("schema id 987654");
    assertThat(deadLetter.at("/coordinates/topic").asText()).isEqualTo("orders-avro");
    assertThat(deadLetter.at("/coordinates/partition").asText()).isEqualTo("0");
    assertThat(deadLetter.at("/coordinates/offset").asText()).isEqualTo("20");
  }

  @Test
  void kinesisAvroFromTheRegistryToKafkaAvroRegistersTheWriterSchemaAndCarriesItsId()
      throws Exception {
    int v1 = register("kinesis-orders-value", V1);
    int v2 = register("kinesis-orders-value", V2);
    for (int i = 0; i < 40; i++) {
      byte[] data =
          i < 20 ? framed(v1, V1, order(V1, i, null)) : framed(v2, V2, order(V2, i, "n" + i));
      int id = i;
      KINESIS
          .get()
          .client()
          .putRecord(
              b ->
                  b.streamName("orders-avro")
                      .partitionKey("k" + id)
                      .data(SdkBytes.fromByteArray(data)));
    }
    KAFKA.get().createTopic("orders-from-kinesis-avro", 1);
    Path schema = Files.writeString(dir.resolve("order-v2.avsc"), V2);
    Path file =
        pipeline(
            "name: kinesis-avro-to-kafka\n"
                + "checkpoint:\n  interval: 1s\n"
                + "source:\n"
                + kinesisSource("orders-avro")
                + "  format: avro\n"
                + "  avro:\n    schemaFile: "
                + schema
                + "\n    registry:\n      url: "
                + REGISTRY.get().confluentUrl()
                + "\nsinks:\n"
                + "  - type: kafka\n"
                + "    bootstrapServers: "
                + KAFKA.get().bootstrapServers()
                + "\n    topic: orders-from-kinesis-avro\n"
                + "    format: avro\n"
                + "    avro:\n      schemaFile: "
                + schema
                + "\n      registry:\n        url: "
                + REGISTRY.get().confluentUrl()
                + "\n");

    List<ConsumerRecord<byte[], byte[]>> delivered;
    try (ShardlineProcess run =
        ShardlineProcess.start(dir, Map.of(), "run", "--status=off", file.toString())) {
      delivered = readTopic("orders-from-kinesis-avro", 40);
      run.terminate();
      assertThat(run.awaitExit(TIMEOUT)).as(run.output()).isZero();
    }

    assertThat(delivered).hasSize(40);
    Map<Long, GenericRecord> byId = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : delivered) {
      ByteBuffer value = ByteBuffer.wrap(record.value());
      assertThat(value.get()).as("magic byte").isZero();
      int id = value.getInt();
      String writerSchema = get("/schemas/ids/" + id).get("schema").asText();
      assertThat(new Schema.Parser().parse(writerSchema)).isEqualTo(new Schema.Parser().parse(V2));
      GenericRecord order = decode(V2, record.value());
      byId.put((Long) order.get("id"), order);
    }
    assertThat(byId).hasSize(40);
    assertThat(byId.get(5L).get("note").toString()).isEqualTo("none");
    assertThat(byId.get(25L).get("note").toString()).isEqualTo("n25");
    assertThat(get("/subjects").toString()).contains("orders-from-kinesis-avro-value");
  }

  @Test
  void aSchemaThatBreaksTheSubjectsRuleFailsNamingTheSubjectAndTheRule() throws Exception {
    register("strict-orders-value", V2);
    HttpResponse<String> config =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(REGISTRY.get().confluentUrl() + "/config/strict-orders-value"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}"))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(config.statusCode()).isEqualTo(200);
    RegistryAvroFormat format =
        RegistryAvroFormat.builder(SchemaRegistrySettings.of(REGISTRY.get().confluentUrl()))
            .schema(V3_NO_DEFAULT)
            .topic("strict-orders")
            .build();
    ObjectNode value = JSON.createObjectNode().put("id", 1).put("customer", "c").put("note", "x");
    value.put("priority", 1);

    assertThatThrownBy(() -> format.serialize(value))
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("compatibility rule BACKWARD of subject strict-orders-value")
        .hasMessageContaining(REGISTRY.get().confluentUrl());
  }

  @Test
  void aRegistryThatIsDownAtStartEndsTheRunWithItsUrlAndNoPassword() throws Exception {
    KAFKA.get().createTopic("orders-no-registry", 1);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            KAFKA.get().producerProperties(),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("orders-no-registry", framed(1, V1, order(V1, 1, null))));
    }
    int port;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String downUrl = "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    Path file =
        pipeline(
            "name: registry-down\n"
                + "restart:\n  maxRestarts: 0\n"
                + "source:\n"
                + "  type: kafka\n"
                + "  bootstrapServers: "
                + KAFKA.get().bootstrapServers()
                + "\n  topics: [orders-no-registry]\n"
                + "  groupId: registry-down\n"
                + "  startingOffsets:\n    type: earliest\n"
                + "  format: avro\n"
                + "  avro:\n    registry:\n"
                + "      url: "
                + downUrl
                + "\n      user: shardline\n"
                + "      password: registry-pass-word-42\n"
                + "      unreachableTimeout: 2s\n"
                + "sinks:\n"
                + kinesisSink("orders-json", "json"));

    String output;
    int exit;
    try (ShardlineProcess run =
        ShardlineProcess.start(dir, Map.of(), "run", "--status=off", file.toString())) {
      exit = run.awaitExit(TIMEOUT);
      output = run.output();
    }

    assertThat(exit).as(output).isNotZero();
    assertThat(output).contains("Cannot reach the schema registry at " + downUrl);
    assertThat(output).doesNotContain("registry-pass-word-42");
  }

  private Path pipeline(String text) throws Exception {
    return Files.writeString(dir.resolve("pipeline.yaml"), text, StandardCharsets.UTF_8);
  }

  private static String kinesisSink(String stream, String format) {
    return "  - type: kinesis\n"
        + "    stream: "
        + stream
        + "\n    format: "
        + format
        + "\n    awsRegion:\n      type: custom-endpoint\n      endpoint: "
        + KINESIS.get().endpoint()
        + "\n      id: us-east-1\n"
        + "    awsCredentials:\n      type: basic\n      accessKeyId: local\n"
        + "      secretAccessKey: local-secret\n";
  }

  private static String kinesisSource(String stream) {
    return "  type: kinesis\n"
        + "  streams: ["
        + stream
        + "]\n  awsRegion:\n    type: custom-endpoint\n    endpoint: "
        + KINESIS.get().endpoint()
        + "\n    id: us-east-1\n"
        + "  awsCredentials:\n    type: basic\n    accessKeyId: local\n"
        + "    secretAccessKey: local-secret\n"
        + "  startupPosition:\n    type: earliest\n";
  }

  private int register(String subject, String schema) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("schema", schema);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        REGISTRY.get().confluentUrl() + "/subjects/" + subject + "/versions"))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).get("id").asInt();
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(REGISTRY.get().confluentUrl() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static GenericRecord order(String schemaJson, long id, String note) {
    Schema schema = new Schema.Parser().parse(schemaJson);
    GenericRecord record = new GenericData.Record(schema);
    record.put("id", id);
    record.put("customer", "c-" + id);
    if (note != null) {
      record.put("note", note);
    }
    return record;
  }

  /** The Confluent wire format: magic byte 0, the 4-byte schema id, the Avro binary record. */
  private static byte[] framed(int id, String schemaJson, GenericRecord record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(new Schema.Parser().parse(schemaJson))
        .write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static GenericRecord decode(String schemaJson, byte[] framed) throws Exception {
    Schema schema = new Schema.Parser().parse(schemaJson);
    return new GenericDatumReader<GenericRecord>(schema)
        .read(null, DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
  }

  private static List<ConsumerRecord<byte[], byte[]>> readTopic(String topic, int count) {
    Properties properties = KAFKA.get().consumerProperties("registry-it-" + topic);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
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
