package dev.shardline.testkit.kafka;

import dev.shardline.testkit.internal.Await;
import dev.shardline.testkit.internal.FreePorts;
import dev.shardline.testkit.kafka.internal.BrokerConfig;
import dev.shardline.testkit.kafka.internal.BrokerReadiness;
import dev.shardline.testkit.kafka.internal.BrokerStartException;
import dev.shardline.testkit.kafka.internal.ChildJvmBroker;
import dev.shardline.testkit.kafka.internal.Directories;
import dev.shardline.testkit.kafka.internal.InProcessBroker;
import dev.shardline.testkit.kafka.internal.QuietLogging;
import dev.shardline.testkit.kafka.internal.RunningBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker (KRaft, one node that is both broker and controller) on free ports of
 * 127.0.0.1, for integration tests. Its configuration supports consumer groups and exactly-once
 * transactions on one node: every internal topic has replication factor 1 and min ISR 1, and
 * consumer groups start without a rebalance delay.
 *
 * <pre>{@code
 * try (LocalKafka kafka = LocalKafka.builder().start()) {
 *   kafka.createTopic("orders", 3);
 *   Properties props = kafka.producerProperties();
 *   try (KafkaProducer<String, String> producer =
 *       new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
 *     producer.send(new ProducerRecord<>("orders", "key", "value")).get();
 *   }
 * }
 * }</pre>
 *
 * <p>Two {@linkplain Mode modes}: {@link Mode#IN_PROCESS} (the default; the broker runs inside the
 * test JVM, ready in 2 to 4 s for the first in a JVM, well under 1 s after) and {@link
 * Mode#CHILD_JVM} (the broker runs as {@code java kafka.Kafka} in a child process with the test
 * JVM's classpath, ready in 2 to 4.5 s, and can be {@linkplain #kill() killed} like a crashing
 * broker). In both modes {@link #stop()} and {@link #start()} take the broker down and bring it
 * back on the same ports with the same data, for tests of a broker that is down at start or goes
 * away mid-run.
 *
 * <p>Defaults: in-process; the broker settings of {@link Builder#brokerProperty}; a start timeout
 * of 60 s; a child JVM with {@code -Xmx512m}, SerialGC and the C1 compiler only. Kafka's loggers in
 * the test JVM are set to WARN under slf4j-simple (unless set already); a child JVM logs at WARN to
 * its {@linkplain #logFile() log file}.
 *
 * <p>Thread-safe: lifecycle methods ({@code start}, {@code stop}, {@code kill}, {@code close}) are
 * serialized; the rest may be called from any thread.
 */
public final class LocalKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);
  private static final int START_ATTEMPTS = 3;
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  /** Where the broker runs. */
  public enum Mode {
    /** Inside the test JVM ({@code kafka.server.KafkaRaftServer}). Cannot be {@code kill()}ed. */
    IN_PROCESS,
    /** In a child JVM ({@code java kafka.Kafka server.properties}), stopped with its tree. */
    CHILD_JVM
  }

  private final Builder options;
  private final Path root;
  private final BrokerConfig config;
  private final Admin admin;
  private RunningBroker broker;
  private Duration lastStartTime;
  private Optional<Path> lastLogFile;
  private boolean closed;

  private LocalKafka(
      Builder options,
      Path root,
      BrokerConfig config,
      Admin admin,
      RunningBroker broker,
      Duration startTime) {
    this.options = options;
    this.root = root;
    this.config = config;
    this.admin = admin;
    this.broker = broker;
    this.lastStartTime = startTime;
    this.lastLogFile = broker.logFile();
  }

  /** Options for a new broker; {@link Builder#start()} starts it. */
  public static Builder builder() {
    return new Builder();
  }

  private static LocalKafka launch(Builder options) {
    long startNanos = System.nanoTime();
    QuietLogging.apply();
    Path root;
    try {
      root = Files.createTempDirectory("shardline-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory for the Kafka broker", e);
    }
    try {
      for (int attempt = 1; ; attempt++) {
        int brokerPort = options.portPicker.getAsInt();
        int controllerPort = options.portPicker.getAsInt();
        while (controllerPort == brokerPort) {
          controllerPort = options.portPicker.getAsInt();
        }
        BrokerConfig config =
            BrokerConfig.create(root, brokerPort, controllerPort, options.brokerProperties);
        RunningBroker broker = null;
        try {
          broker = launchBroker(options, root, config);
          Admin admin = awaitReady(options, config, broker, null);
          Duration startTime = Duration.ofNanos(System.nanoTime() - startNanos);
          LocalKafka kafka = new LocalKafka(options, root, config, admin, broker, startTime);
          LOG.info("{} ready in {} ms", kafka, startTime.toMillis());
          return kafka;
        } catch (BrokerStartException e) {
          stopAfterFailure(broker, e);
          if (!e.portInUse() || attempt == START_ATTEMPTS) {
            throw e;
          }
          LOG.info(
              "Kafka broker ports {} and {} were taken; retrying on new ports",
              brokerPort,
              controllerPort);
        } catch (RuntimeException | Error e) {
          stopAfterFailure(broker, e);
          throw e;
        }
      }
    } catch (RuntimeException | Error e) {
      try {
        Directories.deleteRecursively(root);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private static RunningBroker launchBroker(Builder options, Path root, BrokerConfig config) {
    return options.mode == Mode.IN_PROCESS
        ? InProcessBroker.start(config)
        : ChildJvmBroker.launch(config, root, options.childJvmOptions);
  }

  /**
   * Waits until {@code broker} is ready, within the start timeout, and returns the admin client
   * that saw it: {@code admin}, or a new one if that is null. The caller stops the broker if this
   * throws.
   */
  private static Admin awaitReady(
      Builder options, BrokerConfig config, RunningBroker broker, Admin admin) {
    long deadline = System.nanoTime() + options.startTimeout.toNanos();
    BrokerReadiness.awaitAccepting(config, broker, options.startTimeout);
    Admin client = admin != null ? admin : newAdmin(config);
    try {
      BrokerReadiness.awaitUnfenced(
          config, broker, client, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      return client;
    } catch (RuntimeException | Error e) {
      if (admin == null) {
        client.close(Duration.ZERO);
      }
      throw e;
    }
  }

  private static void stopAfterFailure(RunningBroker broker, Throwable failure) {
    if (broker == null) {
      return;
    }
    try {
      broker.markFailed();
      broker.stop();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static Admin newAdmin(BrokerConfig config) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "shardline-local-kafka-admin");
    return Admin.create(properties);
  }

  /** {@code host:port} of the broker's PLAINTEXT listener on 127.0.0.1, the same after restarts. */
  public String bootstrapServers() {
    return config.bootstrapServers();
  }

  /** The port of the broker's client (PLAINTEXT) listener. */
  public int port() {
    return config.brokerPort();
  }

  /** The port of the controller (KRaft) listener; clients never use it. */
  public int controllerPort() {
    return config.controllerPort();
  }

  /** The cluster id the log directory was formatted with. */
  public String clusterId() {
    return config.clusterId();
  }

  /** Where the broker runs. */
  public Mode mode() {
    return options.mode;
  }

  /** The broker's log directory ({@code log.dirs}), deleted by {@link #close()}. */
  public Path dataDir() {
    return config.logDir();
  }

  /** The broker's full server properties, defaults and overrides included. */
  public Properties brokerProperties() {
    return config.properties();
  }

  /**
   * Whether the broker is up: started, and neither stopped, killed nor exited on its own; an
   * in-process broker that hit a fatal fault (Kafka asked to end the JVM) is not running either.
   */
  public synchronized boolean isRunning() {
    return broker != null && broker.isAlive();
  }

  /**
   * How long the last start took until the broker was ready: for the first, from the call to {@link
   * Builder#start()} (formatting and any retries included); for a restart, from {@link #start()}.
   */
  public synchronized Duration lastStartTime() {
    return lastStartTime;
  }

  /** Child-JVM mode: the broker's process id while it runs. Empty in-process or when stopped. */
  public synchronized OptionalLong pid() {
    return broker == null ? OptionalLong.empty() : broker.pid();
  }

  /**
   * Child-JVM mode: the log file of the current (or last) broker process, which gets WARN and ERROR
   * output. Empty in-process. Each start gets a new file, deleted when that broker process is
   * stopped ({@link #stop()}, {@link #kill()}, {@link #close()}), unless it failed: a broker that
   * did not start, or exited on its own, keeps its log (in the temp directory) for diagnosis.
   */
  public synchronized Optional<Path> logFile() {
    return lastLogFile;
  }

  /**
   * Starts the broker again after {@link #stop()} or {@link #kill()} (or after it failed), on the
   * same ports and with the same data; returns once it is ready. Does nothing if it is running.
   *
   * @throws IllegalStateException if it does not become ready within the start timeout (for example
   *     because another process took one of its ports while it was down); whatever this call
   *     started is stopped again
   */
  public synchronized void start() {
    requireOpen();
    if (isRunning()) {
      return;
    }
    RunningBroker dead = broker;
    broker = null;
    if (dead != null) {
      // exited on its own, or (in-process) hit a fatal fault: release what is left of it first
      dead.stop();
    }
    long startNanos = System.nanoTime();
    try {
      RunningBroker started = launchBroker(options, root, config);
      try {
        awaitReady(options, config, started, admin);
      } catch (RuntimeException | Error e) {
        stopAfterFailure(started, e);
        throw e;
      }
      broker = started;
    } catch (BrokerStartException e) {
      throw new IllegalStateException(
          "Cannot restart "
              + this
              + (e.portInUse()
                  ? ": one of its ports was taken by another process while it was down"
                  : "")
              + ": "
              + e.getMessage(),
          e);
    }
    lastLogFile = broker.logFile();
    lastStartTime = Duration.ofNanos(System.nanoTime() - startNanos);
    LOG.info("{} ready again in {} ms", this, lastStartTime.toMillis());
  }

  /**
   * Stops the broker gracefully (controlled shutdown, logs flushed) and waits until it is down. Its
   * ports and data stay reserved for {@link #start()}. Does nothing if it is not running.
   */
  public synchronized void stop() {
    requireOpen();
    RunningBroker running = broker;
    broker = null;
    if (running != null) {
      running.stop();
    }
  }

  /** {@link #stop()}, then {@link #start()}. */
  public synchronized void restart() {
    stop();
    start();
  }

  /**
   * Child-JVM mode: kills the broker process at once (SIGKILL), as a crash or power loss of the
   * broker would, and waits until it is gone. Data the broker acknowledged stays (it is in the
   * operating system's page cache); {@link #start()} brings it back through log recovery.
   *
   * @throws UnsupportedOperationException in-process: that would kill the test JVM
   */
  public synchronized void kill() {
    requireOpen();
    if (options.mode == Mode.IN_PROCESS) {
      throw new UnsupportedOperationException(
          "kill() needs the child-JVM mode (LocalKafka.builder().childJvm()): an in-process broker"
              + " cannot be killed without killing the test JVM; use stop()");
    }
    RunningBroker running = broker;
    broker = null;
    if (running != null) {
      running.kill();
    }
  }

  /**
   * An {@link Admin} client for this broker, shared: do not close it; {@link #close()} does. It
   * keeps working across restarts.
   */
  public Admin adminClient() {
    return admin;
  }

  /**
   * Creates a topic with replication factor 1 and waits until every partition has a leader.
   *
   * @throws IllegalStateException if the broker is not running or the topic cannot be created
   */
  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /**
   * Creates a topic with replication factor 1 and the given topic configs ({@code cleanup.policy},
   * {@code retention.ms}, ...) and waits until every partition has a leader.
   *
   * @throws IllegalStateException if the broker is not running or the topic cannot be created
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    Objects.requireNonNull(name, "name cannot be null");
    Objects.requireNonNull(configs, "configs cannot be null");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
    }
    requireRunning("create topic " + name);
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
    await(
        admin
            .createTopics(
                List.of(topic), new CreateTopicsOptions().timeoutMs(timeoutMs(ADMIN_TIMEOUT)))
            .all(),
        "create topic " + name);
    awaitLeaders(name, partitions);
  }

  /**
   * Grows a topic to {@code totalPartitions} partitions and waits until every partition has a
   * leader.
   *
   * @throws IllegalStateException if the broker is not running, or the topic does not exist or
   *     already has as many partitions
   */
  public void addPartitions(String topic, int totalPartitions) {
    Objects.requireNonNull(topic, "topic cannot be null");
    requireRunning("add partitions to " + topic);
    await(
        admin
            .createPartitions(
                Map.of(topic, NewPartitions.increaseTo(totalPartitions)),
                new CreatePartitionsOptions().timeoutMs(timeoutMs(ADMIN_TIMEOUT)))
            .all(),
        "grow topic " + topic + " to " + totalPartitions + " partitions");
    awaitLeaders(topic, totalPartitions);
  }

  private void awaitLeaders(String topic, int partitions) {
    Await.until(
        partitions + " partitions of topic " + topic + " with a leader",
        ADMIN_TIMEOUT,
        Duration.ofMillis(20),
        () -> {
          TopicDescription description =
              await(admin.describeTopics(List.of(topic)).topicNameValues().get(topic), "describe");
          List<TopicPartitionInfo> infos = description.partitions();
          return infos.size() == partitions
              && infos.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        });
  }

  /**
   * New producer properties with {@code bootstrap.servers} set; add serializers or pass serializer
   * instances to the {@code KafkaProducer} constructor.
   */
  public Properties producerProperties() {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return properties;
  }

  /**
   * New consumer properties with {@code bootstrap.servers}, {@code group.id} and {@code
   * auto.offset.reset=earliest} (a test consumer usually must see what the test produced before it
   * subscribed); add deserializers or pass them to the {@code KafkaConsumer} constructor.
   */
  public Properties consumerProperties(String groupId) {
    Objects.requireNonNull(groupId, "groupId cannot be null");
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return properties;
  }

  /**
   * Closes the admin client, stops the broker (gracefully; a child JVM that does not stop within 5
   * s is killed, with its whole process tree; an in-process broker that does not stop within 30 s
   * is left running and reported with an {@link IllegalStateException}, rather than waited for
   * forever) and deletes its data directory. Frees both ports. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    try {
      admin.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      if (broker != null) {
        broker.stop();
      }
    } catch (RuntimeException e) {
      failure = addTo(failure, e);
    } finally {
      broker = null;
    }
    try {
      Directories.deleteRecursively(root);
    } catch (RuntimeException e) {
      failure = addTo(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException addTo(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  @Override
  public String toString() {
    return "LocalKafka("
        + (options.mode == Mode.IN_PROCESS ? "in-process" : "child JVM")
        + ", "
        + bootstrapServers()
        + ")";
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  private void requireRunning(String action) {
    requireOpen();
    if (!isRunning()) {
      throw new IllegalStateException(
          "Cannot " + action + ": " + this + " is not running; call start() first");
    }
  }

  private static int timeoutMs(Duration timeout) {
    return (int) timeout.toMillis();
  }

  private static <T> T await(KafkaFuture<T> future, String action) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot " + action + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while trying to " + action, e);
    }
  }

  /**
   * Options for a {@link LocalKafka}. Not thread-safe; {@link #start()} reads the options at the
   * time of the call, so one builder may start several brokers.
   *
   * <pre>{@code
   * LocalKafka kafka = LocalKafka.builder()
   *     .childJvm()
   *     .brokerProperty("log.retention.ms", "60000")
   *     .start();
   * }</pre>
   */
  public static final class Builder {
    private Mode mode = Mode.IN_PROCESS;
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();
    private final List<String> childJvmOptions = new ArrayList<>();
    private Duration startTimeout = Duration.ofSeconds(60);
    private IntSupplier portPicker = FreePorts::pick;
    private int port;

    private Builder() {}

    private Builder(Builder other) {
      this.mode = other.mode;
      this.brokerProperties.putAll(other.brokerProperties);
      this.childJvmOptions.addAll(other.childJvmOptions);
      this.startTimeout = other.startTimeout;
      this.portPicker = other.port == 0 ? other.portPicker : FreePorts.fixedFirst(other.port);
      this.port = other.port;
    }

    /** Where the broker runs. Default {@link Mode#IN_PROCESS}. */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode cannot be null");
      return this;
    }

    /** Same as {@code mode(Mode.IN_PROCESS)}, the default. */
    public Builder inProcess() {
      return mode(Mode.IN_PROCESS);
    }

    /** Same as {@code mode(Mode.CHILD_JVM)}. */
    public Builder childJvm() {
      return mode(Mode.CHILD_JVM);
    }

    /**
     * Sets a broker property ({@code server.properties} key), overriding the testkit's defaults:
     * {@code offsets.topic.replication.factor=1}, {@code offsets.topic.num.partitions=5}, {@code
     * transaction.state.log.replication.factor=1}, {@code transaction.state.log.min.isr=1}, {@code
     * transaction.state.log.num.partitions=5}, the same three for {@code
     * share.coordinator.state.topic}, {@code default.replication.factor=1}, {@code
     * min.insync.replicas=1}, {@code num.partitions=1}, {@code group.initial.rebalance.delay.ms=0},
     * {@code log.cleaner.dedupe.buffer.size=16777216}, {@code broker.session.timeout.ms=4000} and
     * {@code broker.heartbeat.interval.ms=500} (a broker restarted after {@link LocalKafka#kill()}
     * registers again once the old session expires); anything else has Kafka's default (so {@code
     * auto.create.topics.enable=true}). An invalid value makes {@link #start()} fail.
     *
     * @throws IllegalArgumentException for the keys the testkit owns: node id, process roles,
     *     listeners, controller quorum, log directories
     */
    public Builder brokerProperty(String key, String value) {
      Objects.requireNonNull(key, "key cannot be null");
      Objects.requireNonNull(value, "value cannot be null");
      if (BrokerConfig.RESERVED_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "Broker property "
                + key
                + " is set by LocalKafka (single node on 127.0.0.1, free ports, temporary log"
                + " directory) and cannot be overridden; the keys it owns are "
                + BrokerConfig.RESERVED_KEYS);
      }
      brokerProperties.put(key, value);
      return this;
    }

    /**
     * How long {@link LocalKafka#start()} (and each restart) may take until the broker is ready.
     * Default 60 s, generous because a loaded 2-core CI machine can be ten times slower than the
     * usual 2 to 5 s.
     */
    public Builder startTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout cannot be null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.startTimeout = timeout;
      return this;
    }

    /**
     * Child-JVM mode: adds a JVM option for the broker process, after the defaults ({@code -Xms64m
     * -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto}), so {@code
     * childJvmOption("-Xmx1g")} wins over the default heap. Ignored in-process.
     */
    public Builder childJvmOption(String option) {
      childJvmOptions.add(Objects.requireNonNull(option, "option cannot be null"));
      return this;
    }

    /**
     * The broker's client (PLAINTEXT) port on 127.0.0.1; default 0, a free port (the controller
     * port is always a free one). For brokers people point tools at by hand ({@code shardline
     * dev}); tests keep the default. A taken port is retried as a taken free port is: {@code
     * start()} starts on free ports then, so check the port is free first and compare {@link
     * LocalKafka#port()} after.
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
      }
      this.port = port;
      return this;
    }

    /** For tests of the port retry: where the ports come from. Default {@link FreePorts#pick}. */
    Builder portPicker(IntSupplier portPicker) {
      this.portPicker = Objects.requireNonNull(portPicker, "portPicker cannot be null");
      return this;
    }

    /**
     * Formats a fresh log directory, starts the broker on free ports of 127.0.0.1 (retrying on new
     * ports if one was taken meanwhile) and returns once an {@link Admin} client sees it registered
     * and unfenced.
     *
     * @throws IllegalStateException if it does not become ready within the start timeout; the
     *     message has the cause, and in child-JVM mode the log tail. Whatever was started is
     *     stopped and the data directory deleted.
     */
    public LocalKafka start() {
      return launch(new Builder(this));
    }
  }
}
