package dev.shardline.testkit.registry;

import dev.shardline.testkit.internal.FreePorts;
import dev.shardline.testkit.internal.ServerProcess;
import dev.shardline.testkit.registry.internal.RegistryBuild;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A real schema registry for integration tests: Apicurio Registry {@value RegistryBuild#VERSION}
 * (from Maven Central) in a child JVM on 127.0.0.1, with in-memory storage (H2), serving the
 * Confluent-compatible API at {@link #confluentUrl()}.
 *
 * <pre>{@code
 * try (LocalSchemaRegistry registry = LocalSchemaRegistry.builder().start()) {
 *   String url = registry.confluentUrl(); // http://127.0.0.1:<port>/apis/ccompat/v7
 * }
 * }</pre>
 *
 * <p>The first start on a machine builds the runnable registry into the testkit's cache (about a
 * minute; Maven on the PATH, Maven Central reachable). A start takes about 15 to 30 s on 2 cores
 * (Quarkus), so prefer one registry per test class ({@code LocalSchemaRegistryExtension}). {@link
 * #close()} stops the child JVM; a shutdown hook and a standard-input lifeline stop it when the
 * test JVM ends without closing (the lifeline once the registry has started). A failed start stops
 * the child and throws an {@link IllegalStateException} with the tail of its log. Thread-safe.
 *
 * <p>Defaults: start timeout 180 s; child JVM options {@code -Xms64m -Xmx384m -XX:+UseSerialGC
 * -XX:TieredStopAtLevel=1}, then those given with {@link Builder#childJvmOption(String)}.
 */
public final class LocalSchemaRegistry implements AutoCloseable {
  private static final String CONFLUENT_PATH = "/apis/ccompat/v7";
  private static final int START_ATTEMPTS = 3;

  private final ServerProcess process;
  private final int port;

  private LocalSchemaRegistry(ServerProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** A builder with the defaults listed above. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port the registry listens on (127.0.0.1). */
  public int port() {
    return port;
  }

  /** The registry's root, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The Confluent-compatible API, {@code http://127.0.0.1:<port>/apis/ccompat/v7}. */
  public String confluentUrl() {
    return url() + CONFLUENT_PATH;
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the child JVM is alive. */
  public boolean isRunning() {
    return process.isAlive();
  }

  /** The registry's output (deleted by {@link #close()} unless the registry failed). */
  public Path logFile() {
    return process.logFile();
  }

  /** Stops the child JVM (SIGTERM, SIGKILL after 5 s) and waits for it. Idempotent. */
  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return "LocalSchemaRegistry[" + url() + ", pid " + process.pid() + "]";
  }

  /** Options of a {@link LocalSchemaRegistry}. Not thread-safe. */
  public static final class Builder {
    private Duration startTimeout = Duration.ofSeconds(180);
    private final List<String> jvmOptions = new ArrayList<>();

    private Builder() {}

    /** How long {@link #start()} may wait for the registry to answer (default 180 s). */
    public Builder startTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout cannot be null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive, got " + timeout);
      }
      this.startTimeout = timeout;
      return this;
    }

    /** A JVM option for the child, after the defaults (so {@code -Xmx1g} wins). */
    public Builder childJvmOption(String option) {
      jvmOptions.add(Objects.requireNonNull(option, "option cannot be null"));
      return this;
    }

    /**
     * Builds the registry if this machine has none yet, starts it and returns once its
     * Confluent-compatible API answers.
     *
     * @throws IllegalStateException if it does not start in time, with its log tail
     */
    public LocalSchemaRegistry start() {
      Path runner = RegistryBuild.runnerJar();
      IllegalStateException last = null;
      for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        int port = FreePorts.pick();
        ServerProcess process = ServerProcess.start("apicurio-registry", command(runner, port));
        try {
          awaitReady(process, port);
          return new LocalSchemaRegistry(process, port);
        } catch (IllegalStateException e) {
          process.markFailed();
          process.close();
          last = e;
          if (!portTaken(process)) {
            throw e;
          }
        } catch (RuntimeException | Error e) {
          process.markFailed();
          process.close();
          throw e;
        }
      }
      throw last;
    }

    private ProcessBuilder command(Path runner, int port) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
      command.addAll(jvmOptions);
      command.addAll(
          List.of(
              "-Dquarkus.http.host=127.0.0.1",
              "-Dquarkus.http.port=" + port,
              "-Dquarkus.datasource.jdbc.initial-size=1",
              "-Dquarkus.datasource.jdbc.min-size=1",
              "-Dquarkus.datasource.jdbc.max-size=8",
              "-Dquarkus.log.console.color=false",
              "-jar",
              runner.toString()));
      ProcessBuilder builder = new ProcessBuilder(command).directory(runner.getParent().toFile());
      // the registry reads a few settings from the environment: none may leak in from the test JVM
      builder
          .environment()
          .keySet()
          .removeIf(k -> k.startsWith("REGISTRY_") || k.equals("HTTP_PORT"));
      return builder;
    }

    private void awaitReady(ServerProcess process, int port) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpRequest probe =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + port + CONFLUENT_PATH + "/subjects"))
              .timeout(Duration.ofSeconds(5))
              .GET()
              .build();
      String listening = "Listening on: http://127.0.0.1:" + port;
      long deadline = System.nanoTime() + startTimeout.toNanos();
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "Apicurio Registry exited during its start on port "
                  + port
                  + "; its log ("
                  + process.logFile()
                  + ") ends with:"
                  + System.lineSeparator()
                  + process.logTail(40));
        }
        // the log line proves the answer comes from this child, not another process on the port
        if (process.logLines().stream().anyMatch(line -> line.contains(listening))) {
          try {
            HttpResponse<String> response =
                client.send(probe, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
              return;
            }
          } catch (IOException e) {
            // not yet
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting Apicurio Registry", e);
          }
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "Apicurio Registry did not answer on port "
                  + port
                  + " within "
                  + startTimeout.toSeconds()
                  + " s; its log ends with:"
                  + System.lineSeparator()
                  + process.logTail(40));
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while starting Apicurio Registry", e);
        }
      }
    }

    private static boolean portTaken(ServerProcess process) {
      try {
        return process.logLines().stream()
            .anyMatch(
                l -> l.contains("Port already bound") || l.contains("Address already in use"));
      } catch (RuntimeException e) {
        return false;
      }
    }
  }
}
