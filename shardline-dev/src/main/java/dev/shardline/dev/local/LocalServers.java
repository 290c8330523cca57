package dev.shardline.dev.local;

import dev.shardline.testkit.kafka.LocalKafka;
import dev.shardline.testkit.kinesis.LocalKinesis;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * The servers of {@code shardline dev}: the testkit's {@link LocalKinesis} (kinesis-local, a node
 * process) and {@link LocalKafka} (a KRaft broker in this JVM), on fixed ports of 127.0.0.1, until
 * the JVM is stopped.
 *
 * <p>Nothing outlives the command: Ctrl-C and SIGTERM run a shutdown hook that stops both; after a
 * SIGKILL the broker dies with the JVM, and node exits by itself when its standard input (a pipe
 * from this JVM, the testkit's lifeline) ends.
 */
public final class LocalServers {
  /** The streams the examples use, as the usage shows them. */
  public static final String EXAMPLE_STREAMS_TEXT = "orders:2, events:2, paid-orders:2";

  /** The topics the examples use, as the usage shows them. */
  public static final String EXAMPLE_TOPICS_TEXT = "orders:2";

  static final String DEFAULT_KINESIS_ENDPOINT = "http://127.0.0.1:4567";
  static final String DEFAULT_KAFKA_SERVERS = "127.0.0.1:9092";

  private Integer kinesisPort;
  private List<NameAndCount> streams = List.of();
  private Integer kafkaPort;
  private List<NameAndCount> topics = List.of();
  private final List<AutoCloseable> running = new ArrayList<>();

  private LocalServers() {}

  /** No server yet: add Kinesis, Kafka or both. */
  public static LocalServers builder() {
    return new LocalServers();
  }

  /** A Kinesis server on {@code port} with {@code streams} (the examples' streams if empty). */
  public LocalServers kinesis(int port, List<NameAndCount> streams) {
    this.kinesisPort = checkPort(port, "Kinesis");
    this.streams = streams.isEmpty() ? parseAll(EXAMPLE_STREAMS_TEXT) : List.copyOf(streams);
    return this;
  }

  /** A Kafka broker on {@code port} with {@code topics} (the examples' topic if empty). */
  public LocalServers kafka(int port, List<NameAndCount> topics) {
    this.kafkaPort = checkPort(port, "Kafka");
    this.topics = topics.isEmpty() ? parseAll(EXAMPLE_TOPICS_TEXT) : List.copyOf(topics);
    return this;
  }

  /**
   * Starts the servers, prints how to use them, and blocks until the JVM shuts down (Ctrl-C,
   * SIGTERM), when a shutdown hook stops them. Returns only if the start fails (by throwing).
   */
  public int runUntilStopped(PrintStream out) throws InterruptedException {
    if (kinesisPort != null) {
      requireFree(
          kinesisPort, "the Kinesis server", kafkaPort == null ? "--port" : "--kinesis-port");
    }
    if (kafkaPort != null) {
      requireFree(kafkaPort, "the Kafka broker", kinesisPort == null ? "--port" : "--kafka-port");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stopAll();
              out.println("Stopped the local servers.");
              out.flush();
              stopped.countDown();
            },
            "shardline-dev-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    List<String> lines = new ArrayList<>();
    try {
      if (kinesisPort != null) {
        lines.addAll(startKinesis());
      }
      if (kafkaPort != null) {
        lines.addAll(startKafka());
      }
    } catch (RuntimeException | Error e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      stopAll();
      throw e;
    }
    lines.forEach(out::println);
    out.println();
    out.println(examplesLine());
    out.println("Ready. Ctrl-C (or SIGTERM) stops the servers; nothing they hold is kept.");
    out.flush();
    stopped.await();
    return 0;
  }

  private List<String> startKinesis() {
    LocalKinesis.Builder builder = LocalKinesis.builder().port(kinesisPort);
    streams.forEach(stream -> builder.initialStream(stream.name(), stream.count()));
    LocalKinesis kinesis = started(builder.start());
    String endpoint = kinesis.endpoint().toString();
    requireOnPort(kinesis.endpoint().getPort(), kinesisPort, "the Kinesis server");
    return List.of(
        "Kinesis  "
            + endpoint
            + "  (kinesis-local), streams: "
            + describe(streams, "shard", "shards"),
        "  in a pipeline file's kinesis source or sink:",
        "    awsRegion: {type: custom-endpoint, endpoint: \"" + endpoint + "\", id: us-east-1}",
        "    awsCredentials: {type: basic, accessKeyId: local, secretAccessKey: local-secret}");
  }

  private List<String> startKafka() {
    LocalKafka kafka = started(LocalKafka.builder().port(kafkaPort).start());
    requireOnPort(kafka.port(), kafkaPort, "the Kafka broker");
    topics.forEach(topic -> kafka.createTopic(topic.name(), topic.count()));
    return List.of(
        "Kafka    "
            + kafka.bootstrapServers()
            + "  (a KRaft broker), topics: "
            + describe(topics, "partition", "partitions"),
        "  in a pipeline file's kafka source or sink:",
        "    bootstrapServers: " + kafka.bootstrapServers());
  }

  private String examplesLine() {
    List<String> environment = new ArrayList<>();
    if (kinesisPort != null && !DEFAULT_KINESIS_ENDPOINT.endsWith(":" + kinesisPort)) {
      environment.add("KINESIS_ENDPOINT=http://127.0.0.1:" + kinesisPort);
    }
    if (kafkaPort != null && !DEFAULT_KAFKA_SERVERS.endsWith(":" + kafkaPort)) {
      environment.add("KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:" + kafkaPort);
    }
    String example =
        kinesisPort != null && kafkaPort != null
            ? "examples/kinesis-to-kafka.yaml"
            : kinesisPort != null
                ? "examples/kinesis-to-file.yaml"
                : "examples/kafka-to-kinesis.yaml";
    return environment.isEmpty()
        ? "The examples point at these by default: shardline run " + example
        : "The examples default to ports 4567 and 9092; point them here with the environment: "
            + String.join(" ", environment)
            + " shardline run "
            + example;
  }

  private <T extends AutoCloseable> T started(T server) {
    synchronized (running) {
      running.add(server);
    }
    return server;
  }

  private void stopAll() {
    List<AutoCloseable> servers;
    synchronized (running) {
      servers = new ArrayList<>(running);
      running.clear();
    }
    for (int i = servers.size() - 1; i >= 0; i--) {
      try {
        servers.get(i).close();
      } catch (Exception e) {
        System.err.println("shardline: could not stop " + servers.get(i) + ": " + e.getMessage());
      }
    }
  }

  private static String describe(List<NameAndCount> items, String one, String many) {
    return items.stream()
        .map(
            item ->
                String.format(
                    Locale.ROOT,
                    "%s (%d %s)",
                    item.name(),
                    item.count(),
                    item.count() == 1 ? one : many))
        .collect(Collectors.joining(", "));
  }

  private static List<NameAndCount> parseAll(String text) {
    return Arrays.stream(text.split(",\\s*")).map(NameAndCount::parse).toList();
  }

  private static int checkPort(int port, String what) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          what + " port must be between 1 and 65535, but was " + port);
    }
    return port;
  }

  /** Fails with what to do when something listens on {@code port} of 127.0.0.1 already. */
  private static void requireFree(int port, String what, String option) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot start "
              + what
              + " on 127.0.0.1:"
              + port
              + ": the port is in use (another shardline dev, or a server of your own?). Stop"
              + " what holds it, or choose another port with "
              + option
              + ".");
    }
  }

  private static void requireOnPort(int actual, int asked, String what) {
    if (actual != asked) {
      throw new IllegalStateException(
          "Cannot start "
              + what
              + " on 127.0.0.1:"
              + asked
              + ": another process took the port while it started; try again, or choose another"
              + " port.");
    }
  }
}
