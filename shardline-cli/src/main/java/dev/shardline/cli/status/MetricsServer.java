package dev.shardline.cli.status;

import static dev.shardline.util.Preconditions.checkNotNull;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * Serves a pipeline's meters in the Prometheus text format at {@code /metrics} (and {@code /}), on
 * 127.0.0.1 unless told otherwise. One daemon thread. Thread-safe.
 */
public final class MetricsServer implements AutoCloseable {
  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts serving {@code registry} on {@code host:port} (port 0: any free port).
   *
   * @throws IOException when the port cannot be bound
   */
  public static MetricsServer start(PrometheusMeterRegistry registry, String host, int port)
      throws IOException {
    checkNotNull(registry, "registry");
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "shardline-metrics");
              thread.setDaemon(true);
              return thread;
            }));
    server.start();
    return new MetricsServer(server);
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The address to scrape, e.g. {@code http://127.0.0.1:9400/metrics}. */
  public String url() {
    return "http://"
        + server.getAddress().getAddress().getHostAddress()
        + ":"
        + port()
        + "/metrics";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
