package dev.shardline.kafka.internal;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Utils;

/**
 * Tells whether the Kafka cluster can be reached at all, and if not why: Kafka's clients do not say
 * (they retry connecting on their own and only log it in their {@code NetworkClient}), so {@link
 * #tcp} opens a TCP connection to each bootstrap server in turn and closes it at once. The first
 * that accepts means "reachable"; when none does, the cause is the first one's error ({@code
 * connection refused}, {@code connect timed out}, an unknown host). It says nothing about whether
 * the brokers answer Kafka requests (a broker that accepts connections and hangs looks reachable);
 * that is left to the clients' own timeouts. Implementations are thread-safe.
 */
@FunctionalInterface
public interface ClusterProbe {
  /** How long one connection attempt of {@link #tcp} may take. */
  Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * Probes the cluster; blocks up to {@link #CONNECT_TIMEOUT} per bootstrap server.
   *
   * @return null when it can be reached, else why not
   */
  Throwable unreachableCause();

  /** A probe that connects to the {@code host:port} pairs of {@code bootstrapServers}. */
  static ClusterProbe tcp(String bootstrapServers) {
    checkNotNull(bootstrapServers, "bootstrapServers");
    List<String> servers = new ArrayList<>();
    for (String server : bootstrapServers.split(",")) {
      if (!server.isBlank()) {
        servers.add(server.trim());
      }
    }
    int timeoutMillis = (int) CONNECT_TIMEOUT.toMillis();
    return () -> {
      Throwable first = null;
      for (String server : servers) {
        String host = Utils.getHost(server);
        Integer port = Utils.getPort(server);
        if (host == null || port == null) {
          continue; // not host:port; the options' validation reports it
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        try (Socket socket = new Socket()) {
          if (address.isUnresolved()) {
            throw new UnknownHostException("unknown host " + host);
          }
          socket.connect(address, timeoutMillis);
          return null;
        } catch (IOException e) {
          if (first == null) {
            first = e;
          }
        }
      }
      return first;
    };
  }
}
