package dev.shardline.dev;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.cli.ShardlineProcess;
import dev.shardline.testkit.internal.FreePorts;
import dev.shardline.testkit.kinesis.KinesisClients;
import dev.shardline.testkit.kinesis.StreamContents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code shardline dev} as a user runs it, through the launcher: every example in {@code examples/}
 * runs unchanged against it (the examples' environment variables only move the ports off 4567 and
 * 9092, which a developer's own servers may hold), SIGTERM stops it, and after a {@code kill -9} of
 * the command no server is left running.
 */
class DevServersIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final Path EXAMPLES = ShardlineProcess.REPOSITORY.resolve("examples");
  private static final Pattern NODE_PID =
      Pattern.compile("Started kinesis-local on .*\\(pid (\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void everyExampleRunsUnchangedAgainstShardlineDev() throws Exception {
    int kinesisPort = FreePorts.pick();
    int kafkaPort = FreePorts.pick();
    String endpoint = "http://127.0.0.1:" + kinesisPort;
    String bootstrap = "127.0.0.1:" + kafkaPort;
    Map<String, String> env =
        Map.of("KINESIS_ENDPOINT", endpoint, "KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    try (ShardlineProcess dev =
        ShardlineProcess.start(
            dir,
            Map.of(),
            "dev",
            "--kinesis-port",
            Integer.toString(kinesisPort),
            "--kafka-port",
            Integer.toString(kafkaPort))) {
      dev.awaitLine(line -> line.startsWith("Ready."), TIMEOUT);
      assertThat(dev.output())
          .contains("endpoint: \"" + endpoint + "\"")
          .contains("bootstrapServers: " + bootstrap)
          .contains("orders (2 shards), events (2 shards), paid-orders (2 shards)")
          .contains("topics: orders (2 partitions)");

      // generator -> file needs no server; bounded (20,000 events, half of them kept)
      Map<String, String> fileEnv = new HashMap<>(env);
      fileEnv.put("OUTPUT_DIR", dir.resolve("generated").toString());
      runToEnd("generator-to-file.yaml", fileEnv);
      assertThat(lines(dir.resolve("generated"))).hasSize(10_000);

      // generator -> Kinesis stream events (bounded: EVENTS)
      Map<String, String> writeEnv = new HashMap<>(env);
      writeEnv.put("EVENTS", "200");
      runToEnd("generator-to-kinesis.yaml", writeEnv);
      try (KinesisClient kinesis =
          KinesisClients.sync(
              URI.create(endpoint),
              software.amazon.awssdk.regions.Region.US_EAST_1,
              KinesisClients.dummyCredentials(),
              true)) {
        assertThat(StreamContents.readAll(kinesis, "events")).hasSize(200);

        // Kinesis stream events -> file (unbounded: stopped with SIGTERM once all is there)
        Map<String, String> readEnv = new HashMap<>(env);
        readEnv.put("KINESIS_STREAM", "events");
        readEnv.put("OUTPUT_DIR", dir.resolve("from-kinesis").toString());
        readEnv.put("DEAD_LETTER_DIR", dir.resolve("dead-letters").toString());
        try (ShardlineProcess run = run("kinesis-to-file.yaml", readEnv)) {
          awaitLines(dir.resolve("from-kinesis"), 200);
          stop(run);
        }

        // Kinesis stream events -> Kafka topic orders, exactly once
        Map<String, String> toKafkaEnv = new HashMap<>(env);
        toKafkaEnv.put("KINESIS_STREAM", "events");
        try (ShardlineProcess run = run("kinesis-to-kafka.yaml", toKafkaEnv)) {
          assertThat(readTopic(bootstrap, "orders", 200)).hasSize(200);
          stop(run);
        }

        // Kafka topic orders -> Kinesis stream paid-orders: only the paid orders pass
        Properties producer = new Properties();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, String> orders =
            new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
          for (int i = 0; i < 20; i++) {
            orders.send(
                new ProducerRecord<>(
                    "orders",
                    "order-" + i,
                    "{\"orderId\":"
                        + i
                        + ",\"customerId\":\"c-"
                        + i % 3
                        + "\",\"status\":\""
                        + (i % 2 == 0 ? "paid" : "open")
                        + "\"}"));
          }
        }
        try (ShardlineProcess run = run("kafka-to-kinesis.yaml", env)) {
          awaitRecords(kinesis, "paid-orders", 10);
          stop(run);
        }
        for (StreamContents.StoredRecord stored : StreamContents.readAll(kinesis, "paid-orders")) {
          JsonNode order = JSON.readTree(stored.record().data().asByteArray());
          assertThat(order.get("status").asText()).isEqualTo("paid");
        }
      }

      dev.terminate();
      assertThat(dev.output()).contains("Stopped the local servers.");
    }
    assertThat(listening(kinesisPort)).as("Kinesis port after SIGTERM").isFalse();
    assertThat(listening(kafkaPort)).as("Kafka port after SIGTERM").isFalse();
  }

  @Test
  void afterKillNineOfTheCommandNoServerIsLeftRunning() throws Exception {
    int kinesisPort = FreePorts.pick();
    int kafkaPort = FreePorts.pick();
    long nodePid;
    try (ShardlineProcess dev =
        ShardlineProcess.start(
            dir,
            Map.of(),
            "dev",
            "--kinesis-port",
            Integer.toString(kinesisPort),
            "--kafka-port",
            Integer.toString(kafkaPort))) {
      dev.awaitLine(line -> line.startsWith("Ready."), TIMEOUT);
      Matcher pid = NODE_PID.matcher(dev.output());
      assertThat(pid.find()).as(dev.output()).isTrue();
      nodePid = Long.parseLong(pid.group(1));
      assertThat(ProcessHandle.of(nodePid).map(ProcessHandle::isAlive)).contains(true);

      dev.killCommandOnly();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (ProcessHandle.of(nodePid).map(ProcessHandle::isAlive).orElse(false)
        || listening(kinesisPort)
        || listening(kafkaPort)) {
      if (System.nanoTime() > deadline) {
        ProcessHandle.of(nodePid).ifPresent(ProcessHandle::destroyForcibly);
        throw new AssertionError(
            "kinesis-local (pid " + nodePid + ") or a port outlived the killed command by 20 s");
      }
      Thread.sleep(100); // nothing to wait on: the orphan notices its parent's end by itself
    }
  }

  @Test
  void aPortInUseIsNamedWithTheOptionThatMovesIt() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      try (ShardlineProcess dev =
          ShardlineProcess.start(
              dir, Map.of(), "dev", "kinesis", "--port", Integer.toString(taken.getLocalPort()))) {
        assertThat(dev.awaitExit(TIMEOUT)).isEqualTo(1);
        assertThat(dev.output())
            .contains("127.0.0.1:" + taken.getLocalPort() + ": the port is in use")
            .contains("--port");
      }
    }
  }

  private ShardlineProcess run(String example, Map<String, String> env) {
    return ShardlineProcess.start(
        dir, env, "run", "--status", "off", EXAMPLES.resolve(example).toString());
  }

  private void runToEnd(String example, Map<String, String> env) throws Exception {
    try (ShardlineProcess run = run(example, env)) {
      assertThat(run.awaitExit(TIMEOUT)).as(run.output()).isZero();
    }
  }

  private static void stop(ShardlineProcess run) throws InterruptedException {
    run.terminate();
    assertThat(run.awaitExit(TIMEOUT)).as(run.output()).isZero();
  }

  private static List<String> lines(Path directory) throws IOException {
    List<String> lines = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return lines;
    }
    try (Stream<Path> files = Files.list(directory)) {
      for (Path part : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
        lines.addAll(Files.readAllLines(part, StandardCharsets.UTF_8));
      }
    }
    return lines;
  }

  private static void awaitLines(Path directory, int count) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (lines(directory).size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + count + " lines in " + directory);
      }
      Thread.sleep(200); // part files are committed at each checkpoint: nothing to wait on
    }
  }

  private static void awaitRecords(KinesisClient kinesis, String stream, int count)
      throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (StreamContents.readAll(kinesis, stream).size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + count + " records in stream " + stream);
      }
      Thread.sleep(200);
    }
  }

  private static List<String> readTopic(String bootstrap, String topic, int count) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "dev-servers-it");
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (values.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(record -> values.add(record.value()));
      }
    }
    return values;
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
