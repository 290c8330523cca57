package dev.shardline.cli.flink;

import dev.shardline.cli.checkpoint.CheckpointInspector;
import dev.shardline.cli.connect.ConnectorRegistry;
import dev.shardline.cli.logging.Secrets;
import dev.shardline.cli.logging.Terminal;
import dev.shardline.cli.spec.PipelineDefinition;
import dev.shardline.cli.status.StatusMode;
import dev.shardline.cli.status.StatusReporter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code shardline run --engine flink}: runs a pipeline file as a Flink job, on a MiniCluster in
 * this process (REST on 127.0.0.1, a free port) or, with {@code --flink-rest}, on a running session
 * cluster (the running shardline.jar uploaded as the job jar), and follows it until it ends: a
 * status line, then a summary. Ctrl-C or SIGTERM stops the job with a savepoint (cancels it when
 * that fails: its retained checkpoint stays), so the same command resumes it.
 *
 * <p>Resuming: a run restores from the newest retained Flink checkpoint or savepoint in {@code
 * <checkpoint.directory>/flink}; without one, from the embedded runner's newest checkpoint in
 * {@code checkpoint.directory} (moving a pipeline from the embedded runner to Flink); else it
 * starts as the source's options say. Loaded only when Flink is on the classpath ({@link
 * FlinkClasspath}).
 */
public final class FlinkRunner {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkRunner.class);
  private static final String LOOPBACK = "127.0.0.1";

  private final PipelineDefinition definition;
  private final Optional<String> flinkRest;
  private final StatusMode mode;
  private final Duration statusInterval;
  private final Terminal terminal;
  private final Function<Throwable, String> describeCause;
  private volatile boolean stopRequested;
  private volatile String savepoint;

  /**
   * @param flinkRest {@code HOST:PORT} of a session cluster's REST API, or empty for a MiniCluster
   * @param mode {@link StatusMode#LINE}, {@link StatusMode#LOG} or {@link StatusMode#OFF}
   * @param describeCause the most telling message of a failure (as the embedded path uses)
   */
  public FlinkRunner(
      PipelineDefinition definition,
      Optional<String> flinkRest,
      StatusMode mode,
      Duration statusInterval,
      Terminal terminal,
      Function<Throwable, String> describeCause) {
    this.definition = definition;
    this.flinkRest = flinkRest;
    this.mode = mode;
    this.statusInterval = statusInterval;
    this.terminal = terminal;
    this.describeCause = describeCause;
  }

  /** Runs the job until it ends or is stopped; the exit code (0, or 1 after a failure). */
  public int run() {
    Path directory = definition.checkpointDirectory();
    Optional<Path> restoreFrom;
    Optional<Path> embeddedSeed = Optional.empty();
    String start;
    try {
      Optional<FlinkCheckpoints.Retained> retained = FlinkCheckpoints.newest(directory);
      restoreFrom = retained.map(FlinkCheckpoints.Retained::path);
      if (retained.isPresent()) {
        start = "restoring from Flink " + retained.get().kind() + " " + retained.get().path();
      } else if (hasEmbeddedCheckpoint(directory)) {
        embeddedSeed = Optional.of(directory);
        start =
            "no Flink checkpoint yet: starting from the embedded runner's newest checkpoint in "
                + directory
                + " (moving the pipeline from the embedded runner to Flink; do not run it on the"
                + " embedded runner on this directory again)";
      } else {
        start = "no checkpoint in " + directory + ": starting as the source's options say";
      }
    } catch (IOException e) {
      return failed("cannot read the checkpoints in " + directory + ": " + e.getMessage());
    }

    Configuration conf = FlinkJob.configuration(definition, restoreFrom);
    StreamExecutionEnvironment env;
    URI restUri;
    String where;
    if (flinkRest.isPresent()) {
      HostPort target;
      Path jar;
      try {
        target = HostPort.parse(flinkRest.get());
        jar = jobJar();
      } catch (IllegalArgumentException e) {
        return failed(e.getMessage());
      }
      restUri = URI.create("http://" + target.host() + ":" + target.port());
      Optional<String> unusable = FlinkJobStatus.probe(restUri);
      if (unusable.isPresent()) {
        return failed("--flink-rest " + flinkRest.get() + ": " + unusable.get());
      }
      env =
          StreamExecutionEnvironment.createRemoteEnvironment(
              target.host(), target.port(), conf, jar.toString());
      where = "Flink";
    } else {
      int port;
      try {
        port = freePort();
      } catch (IOException e) {
        return failed("no free port on " + LOOPBACK + " for the MiniCluster: " + e.getMessage());
      }
      conf.set(RestOptions.ADDRESS, LOOPBACK);
      conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
      conf.set(RestOptions.PORT, port);
      conf.set(RestOptions.BIND_PORT, String.valueOf(port));
      conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
      conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
      conf.set(TaskManagerOptions.HOST, LOOPBACK);
      conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
      env = StreamExecutionEnvironment.createLocalEnvironment(parallelism(), conf);
      restUri = URI.create("http://" + LOOPBACK + ":" + port);
      where = "Flink MiniCluster";
    }

    try {
      FlinkJob.build(env, definition, embeddedSeed);
    } catch (RuntimeException e) {
      return failed(dev.shardline.runtime.status.FailureCause.oneLine(e.getMessage()));
    }
    LOG.info("Pipeline '{}' on {}: {}", definition.name(), where, start);
    long started = System.nanoTime();
    JobClient client;
    try {
      client = env.executeAsync(definition.name());
    } catch (Exception e) {
      return failed(
          "cannot submit the job to "
              + where
              + " at "
              + restUri
              + ": "
              + describeCause.apply(e)
              + (flinkRest.isPresent()
                  ? "; check that a Flink 2.x session cluster's REST API answers there"
                  : ""));
    }
    FlinkJobStatus status =
        new FlinkJobStatus(definition.name(), where, restUri, client.getJobID().toString());
    LOG.info(
        "Running pipeline '{}' {} (web UI: {})", definition.name(), status.location(), restUri);
    installSignalHandlers(client);
    StatusReporter reporter = StatusReporter.start(status::render, mode, statusInterval, terminal);
    long lastCheckpoint = -1;
    try {
      while (true) {
        try {
          client.getJobExecutionResult().get(1, TimeUnit.SECONDS);
          break;
        } catch (TimeoutException e) {
          long id = status.lastCheckpointId();
          lastCheckpoint = id >= 0 ? id : lastCheckpoint;
        }
      }
    } catch (ExecutionException e) {
      reporter.close();
      if (stopRequested && savepoint == null) {
        // cancelled after a failed stop-with-savepoint: the retained checkpoint is where it resumes
        terminal.printLine(
            "Pipeline '"
                + definition.name()
                + "' cancelled "
                + status.location()
                + "; its last retained checkpoint is in "
                + FlinkCheckpoints.flinkDirectory(directory)
                + ", where the same command resumes");
        return 0;
      }
      LOG.debug("Pipeline '{}' failed on Flink", definition.name(), e);
      return failed(
          "Pipeline '"
              + definition.name()
              + "' failed "
              + status.location()
              + ": "
              + describeCause.apply(e)
              + ". Fix the cause (-v shows details) and run the same command again: it resumes"
              + " from the newest Flink checkpoint in "
              + FlinkCheckpoints.flinkDirectory(directory)
              + ".");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reporter.close();
      return failed("interrupted while following " + status.location());
    }
    reporter.close();
    double seconds = (System.nanoTime() - started) / 1e9;
    terminal.printLine(
        String.format(
            Locale.ROOT,
            "Pipeline '%s' %s after %.1fs %s; %s",
            definition.name(),
            stopRequested ? "stopped" : "finished",
            seconds,
            status.location(),
            savepoint != null
                ? "savepoint " + savepoint + " (the same command resumes from it)"
                : "last checkpoint "
                    + (lastCheckpoint >= 0 ? String.valueOf(lastCheckpoint) : "none")
                    + " in "
                    + FlinkCheckpoints.flinkDirectory(directory)));
    return 0;
  }

  private int parallelism() {
    return definition.settings().get(dev.shardline.runtime.PipelineOptions.PARALLELISM);
  }

  private int failed(String message) {
    terminal.printLine(Secrets.mask("Failed: " + message));
    return 1;
  }

  private static boolean hasEmbeddedCheckpoint(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return false;
    }
    return new CheckpointInspector(ConnectorRegistry.get())
        .list(directory).stream().anyMatch(entry -> entry.checkpoint().isPresent());
  }

  /**
   * Ctrl-C and SIGTERM stop the job with a savepoint, or cancel it when that fails. Signal handlers
   * rather than a shutdown hook: the JVM must not shut down (and take the MiniCluster with it)
   * while the savepoint is taken.
   */
  @SuppressWarnings("sunapi")
  private void installSignalHandlers(JobClient client) {
    sun.misc.SignalHandler handler =
        signal -> {
          if (stopRequested) {
            LOG.info("Stopping at once (second signal)");
            Runtime.getRuntime().halt(130);
          }
          stopRequested = true;
          Thread stopper = new Thread(() -> stop(client), "shardline-flink-stop");
          stopper.setDaemon(true);
          stopper.start();
        };
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), handler);
      } catch (IllegalArgumentException e) {
        LOG.debug("Cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
  }

  private void stop(JobClient client) {
    String directory =
        FlinkCheckpoints.savepointDirectory(
                definition.checkpointDirectory().toAbsolutePath().normalize())
            .toUri()
            .toString();
    LOG.info("Stopping pipeline '{}': savepoint into {}", definition.name(), directory);
    try {
      savepoint =
          client
              .stopWithSavepoint(false, directory, SavepointFormatType.CANONICAL)
              .get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      LOG.warn(
          "Stop with savepoint failed ({}); cancelling the job: it resumes from its last retained"
              + " checkpoint",
          describeCause.apply(e));
      try {
        client.cancel().get(1, TimeUnit.MINUTES);
      } catch (Exception cancel) {
        LOG.warn("Cancel failed too: {}", describeCause.apply(cancel));
      }
    }
  }

  /** The running shardline.jar, which a session cluster needs as the job jar. */
  static Path jobJar() {
    Path location;
    try {
      location =
          Path.of(FlinkRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "--flink-rest uploads the running shardline.jar as the job jar, but its location is"
              + " unknown ("
              + e.getMessage()
              + "); run it through the launcher (./shardline run --engine flink --flink-rest"
              + " ...)");
    }
    if (!Files.isRegularFile(location) || !location.toString().endsWith(".jar")) {
      throw new IllegalArgumentException(
          "--flink-rest uploads the running shardline.jar as the job jar, but this command runs"
              + " from "
              + location
              + ", which is not a jar; build and run it through the launcher (./shardline run"
              + " --engine flink --flink-rest ...)");
    }
    return location;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  /** {@code HOST:PORT} of {@code --flink-rest}. */
  record HostPort(String host, int port) {
    static HostPort parse(String text) {
      int colon = text.lastIndexOf(':');
      int port = -1;
      if (colon > 0) {
        try {
          port = Integer.parseInt(text.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
          port = -1;
        }
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "--flink-rest '"
                + text
                + "' is not HOST:PORT; give the REST address of a Flink 2.x session cluster,"
                + " e.g. 127.0.0.1:8081");
      }
      return new HostPort(text.substring(0, colon).trim(), port);
    }
  }
}
