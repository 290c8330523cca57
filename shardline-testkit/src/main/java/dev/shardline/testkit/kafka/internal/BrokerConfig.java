package dev.shardline.testkit.kafka.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * The configuration of one single-node KRaft broker (combined broker and controller) on 127.0.0.1:
 * the server properties, their file, and the formatted log directory. Immutable.
 */
public final class BrokerConfig {
  /** The node id of the single node. */
  public static final int NODE_ID = 1;

  /**
   * Keys the testkit sets itself: the node's identity, listeners and directories. Overriding them
   * would break the ready check or the loopback-only rule.
   */
  public static final Set<String> RESERVED_KEYS =
      Set.of(
          "process.roles",
          "node.id",
          "broker.id",
          "listeners",
          "advertised.listeners",
          "listener.security.protocol.map",
          "inter.broker.listener.name",
          "controller.listener.names",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "log.dir",
          "log.dirs",
          "metadata.log.dir");

  /**
   * Settings for a single-node test broker that differ from Kafka's defaults: every internal topic
   * has replication factor 1 and min ISR 1 (so transactions and consumer groups work on one node),
   * fewer partitions for internal topics (faster first group join and first transaction), no
   * initial rebalance delay, a small log cleaner buffer (Kafka allocates 128 MiB up front), and a
   * short broker session so that a broker restarted after a crash registers again quickly.
   */
  public static final Map<String, String> DEFAULTS = defaults();

  private static final String LOOPBACK = "127.0.0.1";

  private final int brokerPort;
  private final int controllerPort;
  private final Path logDir;
  private final Path propertiesFile;
  private final String clusterId;
  private final Properties properties;

  private BrokerConfig(
      int brokerPort,
      int controllerPort,
      Path logDir,
      Path propertiesFile,
      String clusterId,
      Properties properties) {
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.logDir = logDir;
    this.propertiesFile = propertiesFile;
    this.clusterId = clusterId;
    this.properties = properties;
  }

  /**
   * Writes {@code server.properties} into {@code root} and formats a fresh log directory {@code
   * root/data} (deleting any earlier one) for a new cluster.
   *
   * @param overrides broker properties applied over {@link #DEFAULTS}; none may be in {@link
   *     #RESERVED_KEYS}
   */
  public static BrokerConfig create(
      Path root, int brokerPort, int controllerPort, Map<String, String> overrides) {
    Path logDir = root.resolve("data");
    Properties properties = new Properties();
    properties.putAll(DEFAULTS);
    properties.putAll(overrides);
    properties.put("process.roles", "broker,controller");
    properties.put("node.id", Integer.toString(NODE_ID));
    properties.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
    properties.put(
        "listeners",
        "PLAINTEXT://"
            + LOOPBACK
            + ":"
            + brokerPort
            + ",CONTROLLER://"
            + LOOPBACK
            + ":"
            + controllerPort);
    properties.put("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + brokerPort);
    properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    properties.put("inter.broker.listener.name", "PLAINTEXT");
    properties.put("controller.listener.names", "CONTROLLER");
    properties.put("log.dirs", logDir.toString());

    Path propertiesFile = root.resolve("server.properties");
    try (Writer writer = Files.newBufferedWriter(propertiesFile, StandardCharsets.UTF_8)) {
      properties.store(writer, "Shardline LocalKafka single-node KRaft broker");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + propertiesFile, e);
    }
    String clusterId = Uuid.randomUuid().toString();
    Directories.deleteRecursively(logDir);
    format(propertiesFile, clusterId);
    return new BrokerConfig(
        brokerPort, controllerPort, logDir, propertiesFile, clusterId, properties);
  }

  private static void format(Path propertiesFile, String clusterId) {
    // StorageTool is Kafka's own `kafka-storage.sh format`: the supported way to write
    // meta.properties and the bootstrap metadata, without exiting the JVM.
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      code =
          StorageTool.execute(
              new String[] {"format", "-t", clusterId, "-c", propertiesFile.toString()}, out);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot format the Kafka log directory for "
              + propertiesFile
              + ": "
              + e
              + System.lineSeparator()
              + output.toString(StandardCharsets.UTF_8),
          e);
    }
    if (code != 0) {
      throw new IllegalStateException(
          "Formatting the Kafka log directory for "
              + propertiesFile
              + " failed with code "
              + code
              + ": "
              + output.toString(StandardCharsets.UTF_8));
    }
  }

  public int brokerPort() {
    return brokerPort;
  }

  public int controllerPort() {
    return controllerPort;
  }

  public String bootstrapServers() {
    return LOOPBACK + ":" + brokerPort;
  }

  public Path logDir() {
    return logDir;
  }

  public Path propertiesFile() {
    return propertiesFile;
  }

  public String clusterId() {
    return clusterId;
  }

  /** A copy of the full server properties. */
  public Properties properties() {
    Properties copy = new Properties();
    copy.putAll(properties);
    return copy;
  }

  private static Map<String, String> defaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("offsets.topic.replication.factor", "1");
    defaults.put("offsets.topic.num.partitions", "5");
    defaults.put("transaction.state.log.replication.factor", "1");
    defaults.put("transaction.state.log.min.isr", "1");
    defaults.put("transaction.state.log.num.partitions", "5");
    defaults.put("share.coordinator.state.topic.replication.factor", "1");
    defaults.put("share.coordinator.state.topic.min.isr", "1");
    defaults.put("share.coordinator.state.topic.num.partitions", "5");
    defaults.put("default.replication.factor", "1");
    defaults.put("min.insync.replicas", "1");
    defaults.put("num.partitions", "1");
    defaults.put("group.initial.rebalance.delay.ms", "0");
    defaults.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    // After a crash (kill()) the controller refuses the restarted broker's registration until the
    // old one's session expires: 9 s by default. 4 s still rides out a stall of a loaded machine.
    defaults.put("broker.session.timeout.ms", "4000");
    defaults.put("broker.heartbeat.interval.ms", "500");
    return Collections.unmodifiableMap(defaults);
  }
}
