package dev.shardline.dev.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code shardline run FILE} in a child JVM, as an operator runs it: its output is shown indented,
 * its metrics are scraped from its Prometheus endpoint, and it can be stopped gracefully (SIGTERM)
 * or killed (SIGKILL, a crash). {@link #close()} kills it if it still runs.
 */
final class ChildRun implements AutoCloseable {
  private static final Pattern METRICS_URL =
      Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/metrics)");

  private final Process process;
  private final Thread pump;
  private final List<String> lines = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private volatile String metricsUrl;

  private ChildRun(Process process, PrintStream echo, String prefix) {
    this.process = process;
    this.pump =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  Matcher matcher = METRICS_URL.matcher(line);
                  if (metricsUrl == null && matcher.find()) {
                    metricsUrl = matcher.group(1);
                  }
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                  echo.println(prefix + line);
                }
              } catch (IOException e) {
                // the process ended
              }
              synchronized (lines) {
                lines.notifyAll();
              }
            },
            "shardline-demo-child-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code shardline run} of {@code pipeline} with this JVM's classpath. */
  static ChildRun start(Path pipeline, List<String> jvmOptions, PrintStream echo, String prefix)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.shardline.cli.Main");
    command.add("run");
    command.add("--status=log");
    command.add("--status-interval=1s");
    command.add("--metrics-port=0");
    command.add(pipeline.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new ChildRun(process, echo, prefix);
  }

  /** Waits until the child has logged its metrics address. */
  void awaitMetrics(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      while (metricsUrl == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive()) {
          throw new IllegalStateException(
              "The pipeline did not start (no metrics endpoint within "
                  + timeout.toSeconds()
                  + "s); its output is above");
        }
        lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  /** The sum of every sample of the counter {@code name} (Prometheus name), now. */
  long counter(String name) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    long total = 0;
    for (String line : response.body().lines().toList()) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** Whether the process still runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the process dies at once, as in a crash or a power cut. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM, then waits for the process to end.
   *
   * @return its exit code
   */
  int terminate(Duration timeout) throws IOException, InterruptedException {
    // kill(1), not Process.destroy(), which also closes the pipe the final lines come through
    new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "The pipeline did not stop within " + timeout.toSeconds() + "s");
    }
    pump.join(5000);
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
