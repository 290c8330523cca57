package dev.shardline.testkit.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, driven over the Chrome DevTools protocol (a WebSocket from
 * {@link java.net.http}): load a page, evaluate JavaScript in it, take a screenshot. For tests of
 * web pages served on 127.0.0.1; no browser is downloaded (install Debian's package: {@code apt-get
 * install -y chromium}, which {@code .ci/run} does when it is missing).
 *
 * <pre>{@code
 * try (HeadlessChromium browser = HeadlessChromium.start()) {
 *   browser.navigate("http://127.0.0.1:9400/");
 *   browser.waitFor("document.title === 'Shardline status'", Duration.ofSeconds(10));
 *   browser.screenshot(Path.of("target/status-page.png"));
 * }
 * }</pre>
 *
 * A fresh profile in a temporary directory per instance, deleted on {@link #close()}, which also
 * ends the browser and its child processes. Not thread-safe: one test thread drives it.
 */
public final class HeadlessChromium implements AutoCloseable {
  /** The executables tried, in order, on the PATH; {@code SHARDLINE_CHROMIUM} overrides. */
  public static final List<String> EXECUTABLES =
      List.of("chromium", "chromium-browser", "google-chrome");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  // answers by call id, completed by the WebSocket listener
  private final Map<Integer, CompletableFuture<JsonNode>> pending;

  /** The chromium executable found on the PATH (or in {@code SHARDLINE_CHROMIUM}), if any. */
  public static java.util.Optional<Path> executable() {
    String override = System.getenv("SHARDLINE_CHROMIUM");
    if (override != null && !override.isBlank()) {
      return java.util.Optional.of(Path.of(override));
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String name : EXECUTABLES) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return java.util.Optional.of(candidate);
        }
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * The chromium executable, installed first when missing: Debian's {@code chromium} package with
   * {@code apt-get} (as root, else through {@code sudo -n}), as the testkit installs its other
   * servers on first use. Once per JVM.
   *
   * @throws IllegalStateException when it is missing and cannot be installed (the message says how)
   */
  public static synchronized Path ensureInstalled() throws IOException, InterruptedException {
    java.util.Optional<Path> found = executable();
    if (found.isPresent()) {
      return found.get();
    }
    if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
      throw new IllegalStateException(
          "No chromium on the PATH (tried "
              + EXECUTABLES
              + ") and no apt-get to install it: install Chromium, or set SHARDLINE_CHROMIUM to"
              + " a Chromium executable");
    }
    List<String> prefix =
        "root".equals(System.getProperty("user.name")) ? List.of() : List.of("sudo", "-n");
    Path log = Files.createTempFile("shardline-chromium-install-", ".log");
    if (apt(prefix, log, "install", "-y", "-q", "chromium") != 0) {
      // a fresh machine has no package lists yet
      apt(prefix, log, "update", "-q");
      if (apt(prefix, log, "install", "-y", "-q", "chromium") != 0) {
        throw new IllegalStateException(
            "No chromium on the PATH, and `"
                + String.join(" ", prefix)
                + (prefix.isEmpty() ? "" : " ")
                + "apt-get install -y chromium` failed: "
                + tail(log)
                + "; install it by hand (as root: apt-get install -y chromium), or set"
                + " SHARDLINE_CHROMIUM to a Chromium executable");
      }
    }
    Files.deleteIfExists(log);
    return executable()
        .orElseThrow(
            () -> new IllegalStateException("apt-get installed chromium, but it is not on PATH"));
  }

  private static int apt(List<String> prefix, Path log, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix);
    command.add("apt-get");
    command.addAll(List.of(arguments));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process process = builder.start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  /**
   * Starts a headless browser with a blank page, a 1400x1000 window; installs Debian's chromium
   * first when it is missing ({@link #ensureInstalled()}).
   *
   * @throws IllegalStateException when chromium is not installed and cannot be (the message says
   *     how to)
   * @throws IOException when it cannot be started or does not open its DevTools port
   */
  public static HeadlessChromium start() throws IOException, InterruptedException {
    Path executable = ensureInstalled();
    Path profile = Files.createTempDirectory("shardline-chromium-");
    List<String> command =
        List.of(
            executable.toString(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            // without these it calls home, and this machine refuses such connections
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1400,1000",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "--user-data-dir=" + profile,
            "about:blank");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(profile.resolve("chromium.log").toFile())
            .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
        if (!process.isAlive()) {
          throw new IOException(
              "chromium exited with "
                  + process.exitValue()
                  + " before opening its DevTools port: "
                  + tail(profile.resolve("chromium.log")));
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "chromium opened no DevTools port within 30 s: "
                  + tail(profile.resolve("chromium.log")));
        }
        Thread.sleep(50);
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      HttpClient http = HttpClient.newHttpClient();
      String pageSocket = null;
      for (int attempt = 0; attempt < 100 && pageSocket == null; attempt++) {
        JsonNode targets =
            JSON.readTree(
                http.send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/json/list"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
        for (JsonNode target : targets) {
          if (target.path("type").asText().equals("page")) {
            pageSocket = target.path("webSocketDebuggerUrl").asText();
            break;
          }
        }
        if (pageSocket == null) {
          Thread.sleep(100);
        }
      }
      if (pageSocket == null) {
        throw new IOException("chromium on port " + port + " has no page target");
      }
      Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
      WebSocket socket =
          http.newWebSocketBuilder()
              .buildAsync(URI.create(pageSocket), new Listener(calls))
              .get(30, TimeUnit.SECONDS);
      HeadlessChromium browser = new HeadlessChromium(process, profile, socket, calls);
      browser.call("Page.enable", JSON.createObjectNode());
      browser.call("Runtime.enable", JSON.createObjectNode());
      return browser;
    } catch (IOException | InterruptedException | RuntimeException e) {
      destroy(process);
      deleteTree(profile);
      throw e;
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      destroy(process);
      deleteTree(profile);
      throw new IOException("Cannot open chromium's DevTools WebSocket: " + e, e);
    }
  }

  private HeadlessChromium(
      Process process,
      Path profile,
      WebSocket socket,
      Map<Integer, CompletableFuture<JsonNode>> calls) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
    this.pending = calls;
  }

  /** Calls a DevTools method and returns its result, or throws its error. */
  public JsonNode call(String method, ObjectNode params) throws IOException {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", params);
    socket.sendText(JSON.writeValueAsString(message), true).join();
    JsonNode response;
    try {
      response = answer.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted during " + method, e);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      throw new IOException(method + " got no answer from chromium within " + CALL_TIMEOUT, e);
    } finally {
      pending.remove(id);
    }
    if (response.has("error")) {
      throw new IOException(method + " failed: " + response.get("error"));
    }
    return response.path("result");
  }

  /** Loads {@code url} and waits until its document is complete. */
  public void navigate(String url) throws IOException, InterruptedException {
    ObjectNode params = JSON.createObjectNode();
    params.put("url", url);
    JsonNode result = call("Page.navigate", params);
    if (result.hasNonNull("errorText")) {
      throw new IOException("Cannot load " + url + ": " + result.get("errorText").asText());
    }
    waitFor("document.readyState === 'complete'", Duration.ofSeconds(30));
  }

  /**
   * Evaluates a JavaScript expression in the page (promises awaited) and returns its value as JSON.
   *
   * @throws IOException when it throws in the page
   */
  public JsonNode evaluate(String expression) throws IOException {
    ObjectNode params = JSON.createObjectNode();
    params.put("expression", expression);
    params.put("returnByValue", true);
    params.put("awaitPromise", true);
    JsonNode result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new IOException(
          "'"
              + expression
              + "' threw in the page: "
              + result
                  .path("exceptionDetails")
                  .path("exception")
                  .path("description")
                  .asText(result.path("exceptionDetails").toString()));
    }
    return result.path("result").path("value");
  }

  /**
   * Waits until {@code expression} is true in the page.
   *
   * @throws IOException when it is not within {@code timeout} (with the expression in the message)
   */
  public void waitFor(String expression, Duration timeout)
      throws IOException, InterruptedException {
    waitFor(expression, v -> v.asBoolean(false), timeout);
  }

  /** Waits until the value of {@code expression} passes {@code test}. */
  public JsonNode waitFor(String expression, Predicate<JsonNode> test, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode value;
    while (true) {
      value = evaluate(expression);
      if (test.test(value)) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "Waited " + timeout + " for '" + expression + "' in the page; last value: " + value);
      }
      Thread.sleep(100);
    }
  }

  /** Saves a PNG of the whole page (beyond the window) to {@code file}. */
  public void screenshot(Path file) throws IOException {
    ObjectNode params = JSON.createObjectNode();
    params.put("format", "png");
    params.put("captureBeyondViewport", true);
    JsonNode metrics = call("Page.getLayoutMetrics", JSON.createObjectNode());
    JsonNode size = metrics.path("cssContentSize");
    if (!size.isMissingNode()) {
      ObjectNode clip = params.putObject("clip");
      clip.put("x", 0);
      clip.put("y", 0);
      clip.put("width", size.path("width").asDouble(1400));
      clip.put("height", size.path("height").asDouble(1000));
      clip.put("scale", 1);
    }
    JsonNode result = call("Page.captureScreenshot", params);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.write(file, Base64.getDecoder().decode(result.path("data").asText()));
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).join();
    } catch (RuntimeException e) {
      // the browser is ended below either way
    }
    destroy(process);
    deleteTree(profile);
  }

  private static void destroy(Process process) {
    List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // a temporary directory; chromium may still be writing to it as it exits
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** Hands each answer to the call waiting for its id; events are ignored. */
  private static final class Listener implements WebSocket.Listener {
    private final Map<Integer, CompletableFuture<JsonNode>> calls;
    private final StringBuilder partial = new StringBuilder();

    Listener(Map<Integer, CompletableFuture<JsonNode>> calls) {
      this.calls = calls;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          JsonNode message = JSON.readTree(text);
          if (message.has("id")) {
            CompletableFuture<JsonNode> call = calls.get(message.get("id").asInt());
            if (call != null) {
              call.complete(message);
            }
          }
        } catch (IOException e) {
          // not JSON: not an answer to any call
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
