package dev.shardline.runtime.status;

import static dev.shardline.util.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.shardline.runtime.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves a running pipeline's status over HTTP (127.0.0.1 unless told otherwise):
 *
 * <ul>
 *   <li>{@code /}: the status page (HTML and JavaScript from this jar, charts by uPlot, bundled; no
 *       network access needed), which polls {@code /api/status} every second;
 *   <li>{@code /api/status}: the {@link StatusReport} as JSON;
 *   <li>{@code /metrics}: the meters in the Prometheus text format, when a scrape function was
 *       given;
 *   <li>any other path: 404.
 * </ul>
 *
 * <pre>{@code
 * try (StatusServer server = StatusServer.start(pipeline, new InetSocketAddress("127.0.0.1", 0), null)) {
 *   System.out.println("status page at " + server.url());
 *   pipeline.await();
 * }
 * }</pre>
 *
 * Or let the pipeline start it: {@code PipelineBuilder.statusServer("127.0.0.1", 9400)}. One daemon
 * thread. Thread-safe.
 */
public final class StatusServer implements AutoCloseable {
  /** The uPlot version bundled (the webjar on the classpath). */
  static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/";

  private static final String WEB = "dev/shardline/runtime/status/web/";

  /** Path → classpath resource and content type, for the page's static files. */
  private static final Map<String, String[]> FILES =
      Map.of(
          "/", new String[] {WEB + "index.html", "text/html; charset=utf-8"},
          "/status.js", new String[] {WEB + "status.js", "text/javascript; charset=utf-8"},
          "/status.css", new String[] {WEB + "status.css", "text/css; charset=utf-8"},
          "/uplot/uPlot.iife.min.js",
              new String[] {UPLOT + "dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
          "/uplot/uPlot.min.css",
              new String[] {UPLOT + "dist/uPlot.min.css", "text/css; charset=utf-8"},
          "/uplot/LICENSE", new String[] {UPLOT + "LICENSE", "text/plain; charset=utf-8"});

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;

  private StatusServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving {@code pipeline}'s status on {@code address} (port 0: any free port).
   *
   * @param metrics the Prometheus text for {@code /metrics} (e.g. {@code
   *     PrometheusMeterRegistry::scrape}), or null to answer 404 there
   * @throws IOException when the address cannot be bound
   */
  public static StatusServer start(
      Pipeline pipeline, InetSocketAddress address, Supplier<String> metrics) throws IOException {
    checkNotNull(pipeline, "pipeline");
    return start(pipeline::status, address, metrics);
  }

  /**
   * Starts serving the reports {@code status} makes on {@code address} ({@code /api/status} answers
   * 503 while it gives null).
   *
   * @param metrics the Prometheus text for {@code /metrics}, or null to answer 404 there
   * @throws IOException when the address cannot be bound
   */
  public static StatusServer start(
      Supplier<StatusReport> status, InetSocketAddress address, Supplier<String> metrics)
      throws IOException {
    checkNotNull(status, "status");
    checkNotNull(address, "address");
    HttpServer server = HttpServer.create(address, 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET")
                && !exchange.getRequestMethod().equals("HEAD")) {
              send(exchange, 405, "text/plain; charset=utf-8", bytes("Only GET\n"));
            } else if (path.equals("/api/status")) {
              StatusReport report = status.get();
              if (report == null) {
                send(
                    exchange,
                    503,
                    "text/plain; charset=utf-8",
                    bytes("The pipeline is not running yet; try again in a moment\n"));
              } else {
                send(
                    exchange,
                    200,
                    "application/json",
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
              }
            } else if (path.equals("/metrics") && metrics != null) {
              send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", bytes(metrics.get()));
            } else if (FILES.containsKey(path)) {
              String[] file = FILES.get(path);
              byte[] body = resource(file[0]);
              if (body == null) {
                send(exchange, 500, "text/plain; charset=utf-8", bytes("Missing " + file[0]));
              } else {
                send(exchange, 200, file[1], body);
              }
            } else {
              send(
                  exchange,
                  404,
                  "text/plain; charset=utf-8",
                  bytes(
                      "Not found: "
                          + path
                          + ". This server has / (the status page), /api/status"
                          + (metrics != null ? " and /metrics" : "")
                          + "\n"));
            }
          } catch (RuntimeException e) {
            // the exchange is closed; the client sees the connection end
          }
        });
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "shardline-status-server");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.start();
    return new StatusServer(server, executor);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = StatusServer.class.getClassLoader().getResourceAsStream(name)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  private static void send(HttpExchange exchange, int code, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The status page's address, e.g. {@code http://127.0.0.1:9400/}. */
  public String url() {
    return urlFor(server.getAddress());
  }

  /** Whether it answers on other addresses than this machine's loopback ones. */
  public boolean exposed() {
    return exposes(server.getAddress());
  }

  /**
   * The status page's address for a server bound to {@code bound}; bound to every address (0.0.0.0
   * or ::), a URL that works from this machine.
   */
  static String urlFor(InetSocketAddress bound) {
    java.net.InetAddress address = bound.getAddress();
    String host =
        address.isAnyLocalAddress()
            ? "127.0.0.1"
            : address instanceof java.net.Inet6Address
                ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
    return "http://" + host + ":" + bound.getPort() + "/";
  }

  /** Whether a server bound to {@code bound} answers on other than loopback addresses. */
  static boolean exposes(InetSocketAddress bound) {
    return !bound.getAddress().isLoopbackAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
