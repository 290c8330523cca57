package dev.shardline.testkit.kafka.internal;

import dev.shardline.testkit.internal.Await;
import dev.shardline.testkit.internal.Loopback;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;

/** Waits until a broker serves clients: registered with its controller and unfenced. Stateless. */
public final class BrokerReadiness {
  private BrokerReadiness() {}

  /**
   * Waits until {@code broker} accepts connections on its client port. Call this before creating an
   * {@link Admin} client for a broker that is starting: the client connects at once, and logs a
   * warning for every refused connection.
   *
   * @throws BrokerStartException when the broker exits or {@code timeout} passes first; the broker
   *     is left as it is, the caller stops it
   */
  public static void awaitAccepting(BrokerConfig config, RunningBroker broker, Duration timeout) {
    await(
        config,
        broker,
        "the Kafka broker to accept connections on " + config.bootstrapServers(),
        timeout,
        Duration.ofMillis(20),
        () -> Loopback.accepts(config.brokerPort(), Duration.ofMillis(200)));
  }

  /**
   * Waits until {@code admin} sees {@code broker} registered and unfenced in the cluster that
   * {@code config} formatted (not some other server that took the port).
   *
   * @throws BrokerStartException when the broker exits or {@code timeout} passes first; the broker
   *     is left as it is, the caller stops it
   */
  public static void awaitUnfenced(
      BrokerConfig config, RunningBroker broker, Admin admin, Duration timeout) {
    await(
        config,
        broker,
        "the Kafka broker on " + config.bootstrapServers() + " to be registered and unfenced",
        timeout,
        Duration.ofMillis(50),
        () -> isUnfenced(config, admin));
  }

  private static void await(
      BrokerConfig config,
      RunningBroker broker,
      String what,
      Duration timeout,
      Duration pollInterval,
      BooleanSupplier ready) {
    try {
      Await.until(what, timeout, pollInterval, () -> !broker.isAlive() || ready.getAsBoolean());
    } catch (IllegalStateException e) {
      throw new BrokerStartException(
          e.getMessage() + suffix(broker.diagnostics()), e, broker.failedToBind());
    }
    if (!broker.isAlive()) {
      throw new BrokerStartException(
          "The Kafka broker for "
              + config.bootstrapServers()
              + " exited before it was ready"
              + suffix(broker.diagnostics()),
          null,
          broker.failedToBind());
    }
  }

  private static String suffix(String diagnostics) {
    return diagnostics.isEmpty() ? "" : "; " + diagnostics;
  }

  private static boolean isUnfenced(BrokerConfig config, Admin admin) {
    DescribeClusterResult cluster =
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000));
    try {
      String clusterId = cluster.clusterId().get();
      Collection<Node> nodes = cluster.nodes().get();
      return config.clusterId().equals(clusterId)
          && nodes.stream().anyMatch(n -> n.id() == BrokerConfig.NODE_ID && !n.isFenced());
    } catch (ExecutionException e) {
      throw new IllegalStateException("Describing the cluster failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while describing the cluster", e);
    }
  }
}
