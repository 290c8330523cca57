package dev.shardline.cli.status;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.runtime.status.StatusReport;
import dev.shardline.runtime.status.StatusServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * Serves a pipeline's meters in the Prometheus text format at {@code /metrics}, with the JVM's
 * (Micrometer's memory, GC, thread, class loader, processor and uptime binders), and its status
 * page at {@code /} and {@code /api/status} ({@link StatusServer}); any other path answers 404. On
 * 127.0.0.1 unless told otherwise. One daemon thread. Thread-safe.
 */
public final class MetricsServer implements AutoCloseable {
  private final StatusServer server;
  private final JvmGcMetrics gc;

  private MetricsServer(StatusServer server, JvmGcMetrics gc) {
    this.server = server;
    this.gc = gc;
  }

  /**
   * Starts serving {@code registry} on {@code host:port} (port 0: any free port), with no status
   * page (its paths answer 503 until there is a pipeline).
   *
   * @throws IOException when the port cannot be bound
   */
  public static MetricsServer start(PrometheusMeterRegistry registry, String host, int port)
      throws IOException {
    return start(registry, host, port, () -> null);
  }

  /**
   * Starts serving {@code registry} and the reports of {@code status} (null while there is no
   * pipeline yet) on {@code host:port} (port 0: any free port).
   *
   * @throws IOException when the port cannot be bound
   */
  public static MetricsServer start(
      PrometheusMeterRegistry registry, String host, int port, Supplier<StatusReport> status)
      throws IOException {
    checkNotNull(registry, "registry");
    checkNotNull(status, "status");
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    try {
      return new MetricsServer(
          StatusServer.start(status, new InetSocketAddress(host, port), registry::scrape), gc);
    } catch (IOException | RuntimeException e) {
      gc.close();
      throw e;
    }
  }

  /** Whether it answers on other addresses than this machine's loopback ones. */
  public boolean exposed() {
    return server.exposed();
  }

  /** The port it listens on. */
  public int port() {
    return server.port();
  }

  /** The address to scrape, e.g. {@code http://127.0.0.1:9400/metrics}. */
  public String url() {
    return server.url() + "metrics";
  }

  /** The status page's address, e.g. {@code http://127.0.0.1:9400/}. */
  public String statusUrl() {
    return server.url();
  }

  @Override
  public void close() {
    server.close();
    gc.close();
  }
}
