package dev.shardline.cli;

import dev.shardline.cli.connect.ConnectorRegistry;
import dev.shardline.cli.flink.FlinkClasspath;
import dev.shardline.cli.flink.FlinkRunner;
import dev.shardline.cli.logging.CliLogging;
import dev.shardline.cli.logging.Secrets;
import dev.shardline.cli.logging.Terminal;
import dev.shardline.cli.logging.Verbosity;
import dev.shardline.cli.spec.PipelineAssembler;
import dev.shardline.cli.spec.PipelineDefinition;
import dev.shardline.cli.spec.PipelineFileException;
import dev.shardline.cli.spec.PipelineFileReader;
import dev.shardline.cli.spec.Problem;
import dev.shardline.cli.status.MetricsServer;
import dev.shardline.cli.status.PipelineStatus;
import dev.shardline.cli.status.StatusMode;
import dev.shardline.cli.status.StatusReporter;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.PipelineFailedException;
import dev.shardline.runtime.status.FailureCause;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shardline run FILE}: runs a pipeline file on the embedded runner until its source ends or
 * the process is told to stop (Ctrl-C, SIGTERM: a final checkpoint, then a clean exit), reporting
 * progress as it goes. Run again with the same file, it resumes from the last checkpoint.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a pipeline file on the embedded runner until its source ends, or until Ctrl-C or"
          + " SIGTERM (then it takes a final checkpoint and exits cleanly). Run again with the same"
          + " file, it resumes from its last checkpoint (checkpoint.directory, by default"
          + " checkpoints/<name> under the working directory).",
      "With --engine flink it runs as an Apache Flink job instead (a MiniCluster in this process,"
          + " or the session cluster of --flink-rest): Ctrl-C or SIGTERM stops it with a"
          + " savepoint; run again, it restores from the newest Flink checkpoint or savepoint in"
          + " <checkpoint.directory>/flink, or, when there is none, from the embedded runner's"
          + " checkpoint in checkpoint.directory.",
      "While it runs: on a terminal one live status line (records in and out per second, how far"
          + " behind the newest record each source is, the last checkpoint and its age, throttled"
          + " calls); otherwise the same as a log line every --status-interval."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Parameters(paramLabel = "PIPELINE.yaml", description = "The pipeline file.")
  Path file;

  /** The pipeline once built: what the status page shows. */
  private final java.util.concurrent.atomic.AtomicReference<Pipeline> running =
      new java.util.concurrent.atomic.AtomicReference<>();

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      converter = PortConverter.class,
      description =
          "Serve the pipeline's metrics for Prometheus at http://HOST:PORT/metrics (with the"
              + " JVM's), its status page at http://HOST:PORT/ and its status as JSON at"
              + " /api/status (0: any free port, logged at start).")
  Integer metricsPort;

  @Option(
      names = "--metrics-host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description = "The address the metrics endpoint binds (default: ${DEFAULT-VALUE}).")
  String metricsHost;

  @Option(
      names = "--status",
      paramLabel = "MODE",
      defaultValue = "auto",
      converter = StatusModeConverter.class,
      description =
          "auto (a live line on a terminal, log lines otherwise), line, log or off. Default:"
              + " ${DEFAULT-VALUE}.")
  StatusMode status;

  @Option(
      names = "--status-interval",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How often a status log line is written (log mode). Default: ${DEFAULT-VALUE}.")
  Duration statusInterval;

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      defaultValue = "embedded",
      converter = EngineConverter.class,
      description =
          "embedded (this process's runner) or flink (Apache Flink 2.x: a local MiniCluster in"
              + " this process, or the session cluster of --flink-rest; Flink must be on the"
              + " classpath, which the shardline launcher adds). Default: ${DEFAULT-VALUE}.")
  Engine engine;

  @Option(
      names = "--flink-rest",
      paramLabel = "HOST:PORT",
      description =
          "With --engine flink: submit the job to the running Flink session cluster whose REST"
              + " API is at HOST:PORT (the running shardline.jar is uploaded as the job jar), and"
              + " follow it. Default: none (a MiniCluster in this process). Its checkpoints go to"
              + " checkpoint.directory, which every Flink process must reach at the same path.")
  String flinkRest;

  /** Where a pipeline runs. */
  enum Engine {
    EMBEDDED,
    FLINK
  }

  @Override
  public Integer call() {
    if (engine != Engine.FLINK && flinkRest != null) {
      Terminal.get()
          .printLine("Failed: --flink-rest needs --engine flink; add --engine flink, or drop it");
      return ExitCodes.FAILED;
    }
    if (engine == Engine.FLINK) {
      Optional<String> missing = FlinkClasspath.missing(FlinkClasspath.STREAM_ENVIRONMENT);
      if (missing.isPresent()) {
        Terminal.get().printLine("Failed: " + missing.get());
        return ExitCodes.FAILED;
      }
      if (metricsPort != null) {
        Terminal.get()
            .printLine(
                "Failed: --metrics-port serves the embedded runner's metrics; on Flink, use"
                    + " Flink's metric reporters (the connectors' meters are in Flink's metric"
                    + " groups under the same names), and drop --metrics-port");
        return ExitCodes.FAILED;
      }
    }
    PipelineDefinition definition;
    try {
      definition = new PipelineFileReader(ConnectorRegistry.get(), System::getenv).read(file);
    } catch (PipelineFileException e) {
      Terminal terminal = Terminal.get();
      if (e.problems().size() == 1) {
        // one line that says it all: where, which option, what is wrong and the fix
        terminal.printLine("Failed: " + e.problems().get(0));
        return ExitCodes.FAILED;
      }
      for (Problem problem : e.problems()) {
        terminal.printLine(problem.toString());
      }
      terminal.printLine(
          "Failed: "
              + file
              + " is not a valid pipeline file ("
              + e.problems().size()
              + " problems, above); fix them and run again (shardline validate "
              + file
              + " checks it without running)");
      return ExitCodes.FAILED;
    }
    if (engine == Engine.FLINK) {
      return runOnFlink(definition);
    }
    MeterRegistry registry =
        metricsPort != null
            ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)
            : new SimpleMeterRegistry();
    MetricsServer metrics = null;
    if (metricsPort != null) {
      try {
        metrics =
            MetricsServer.start(
                (PrometheusMeterRegistry) registry,
                metricsHost,
                metricsPort,
                () -> {
                  Pipeline pipeline = running.get();
                  try {
                    return pipeline == null ? null : pipeline.status();
                  } catch (IllegalStateException e) {
                    return null; // built, not started yet
                  }
                });
        LOG.info(
            "Metrics for Prometheus at {}; status page at {}", metrics.url(), metrics.statusUrl());
        if (metrics.exposed()) {
          LOG.warn(
              "--metrics-host {} exposes the metrics, the status page and /api/status (stream,"
                  + " topic and shard names, errors) to every network that reaches this machine,"
                  + " without authentication; keep the default 127.0.0.1 unless a firewall or"
                  + " proxy guards the port",
              metricsHost);
        }
      } catch (IOException e) {
        Terminal.get()
            .printLine(
                "Failed: cannot serve metrics on "
                    + metricsHost
                    + ":"
                    + metricsPort
                    + " ("
                    + e.getMessage()
                    + "); choose another --metrics-port, or 0 for any free port");
        return ExitCodes.FAILED;
      }
    }
    try {
      return run(definition, registry);
    } finally {
      if (metrics != null) {
        metrics.close();
      }
    }
  }

  /** {@code --status}, with {@code auto} resolved: a live line on a terminal, else log lines. */
  private StatusMode statusMode(Terminal terminal) {
    if (status == StatusMode.AUTO) {
      return terminal.isInteractive() ? StatusMode.LINE : StatusMode.LOG;
    }
    return status;
  }

  /** Only called with Flink on the classpath: the first reference to a class that uses Flink. */
  private int runOnFlink(PipelineDefinition definition) {
    Terminal terminal = Terminal.get();
    StatusMode mode = statusMode(terminal);
    PrintStream originalOut = System.out;
    if (mode == StatusMode.LINE) {
      System.setOut(terminal.statusAware(originalOut));
    }
    LOG.info("Running {} on Flink: {}", file, ValidateCommand.describe(definition));
    try {
      return new FlinkRunner(
              definition,
              Optional.ofNullable(flinkRest),
              mode,
              statusInterval,
              terminal,
              FailureCause::describe)
          .run();
    } finally {
      System.setOut(originalOut);
    }
  }

  private int run(PipelineDefinition definition, MeterRegistry registry) {
    Terminal terminal = Terminal.get();
    StatusMode mode = statusMode(terminal);
    PrintStream originalOut = System.out;
    if (mode == StatusMode.LINE) {
      System.setOut(terminal.statusAware(originalOut));
    }
    Pipeline pipeline = PipelineAssembler.assemble(definition).metrics(registry).build();
    running.set(pipeline);
    LOG.info(
        "Running {}: {}",
        file,
        ValidateCommand.describe(definition).replace("; checkpoints in", "; checkpoints in"));
    CountDownLatch reported = new CountDownLatch(1);
    AtomicInteger exitCode = new AtomicInteger(ExitCodes.FAILED);
    AtomicReference<StatusReporter> liveReporter = new AtomicReference<>();
    Thread hook =
        new Thread(
            () -> {
              ShutdownSignal.markShuttingDown();
              // the live line goes first: redrawn under the stop's log lines, its numbers would be
              // stale (and its rates falling) until the summary replaced it
              StatusReporter live = liveReporter.get();
              if (live != null) {
                live.close();
              }
              LOG.info("Stopping pipeline '{}': final checkpoint", definition.name());
              try {
                pipeline.stop();
              } catch (RuntimeException e) {
                // reported by the main thread, which sees the same failure from await()
              }
              try {
                if (reported.await(10, TimeUnit.SECONDS)) {
                  // the JVM would exit with 128 + the signal; a graceful stop is a success
                  Runtime.getRuntime().halt(exitCode.get());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "shardline-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long started = System.nanoTime();
    StatusReporter reporter = null;
    try {
      pipeline.start();
      reporter = StatusReporter.start(pipeline, registry, mode, statusInterval, terminal);
      liveReporter.set(reporter);
      pipeline.await();
      reporter.close();
      terminal.printLine(summary(definition, pipeline, registry, started));
      exitCode.set(ExitCodes.OK);
      return ExitCodes.OK;
    } catch (PipelineFailedException e) {
      if (reporter != null) {
        reporter.close();
      }
      if (CliLogging.verbosity() != Verbosity.NORMAL) {
        LOG.error("Pipeline '{}' failed", definition.name(), e);
      }
      terminal.printLine(failure(definition, pipeline, e));
      return ExitCodes.FAILED;
    } finally {
      System.setOut(originalOut);
      reported.countDown();
      if (!ShutdownSignal.isShuttingDown()) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // shutting down after all
        }
      }
    }
  }

  private static String summary(
      PipelineDefinition definition, Pipeline pipeline, MeterRegistry registry, long started) {
    double seconds = (System.nanoTime() - started) / 1e9;
    long in = PipelineStatus.sum(registry, PipelineStatus.RECORDS_IN);
    long out = PipelineStatus.sum(registry, PipelineStatus.RECORDS_OUT);
    return String.format(
        Locale.ROOT,
        "Pipeline '%s' %s after %.1fs: %,d records in, %,d out (%,.0f/s); last checkpoint %s in %s",
        definition.name(),
        ShutdownSignal.isShuttingDown() ? "stopped" : "finished",
        seconds,
        in,
        out,
        seconds > 0 ? out / seconds : 0.0,
        pipeline.lastCheckpointId().isPresent() ? pipeline.lastCheckpointId().getAsLong() : "none",
        definition.checkpointDirectory());
  }

  private static String failure(
      PipelineDefinition definition, Pipeline pipeline, PipelineFailedException e) {
    String prefix = "Pipeline '" + definition.name() + "' failed";
    if (e.getMessage() == null || !e.getMessage().startsWith(prefix)) {
      // an error no restart can fix (locked directory, foreign checkpoint): its message has the fix
      return Secrets.mask(
          "Failed: " + dev.shardline.runtime.status.FailureCause.oneLine(e.getMessage()));
    }
    String cause = FailureCause.describe(e);
    String resume =
        pipeline.lastCheckpointId().isPresent()
            ? "it resumes from checkpoint " + pipeline.lastCheckpointId().getAsLong()
            : "it resumes from the last checkpoint in " + definition.checkpointDirectory();
    return Secrets.mask(
        "Failed: "
            + prefix
            + (e.attempts() > 1 ? " " + e.attempts() + " times (the restart policy gave up)" : "")
            + ": "
            + cause
            + (cause.endsWith(".") ? "" : ".")
            + " Fix the cause (-v shows details) and run the same command again: "
            + resume
            + ".");
  }

  /** Reads {@code embedded}, {@code flink}. */
  static final class EngineConverter implements picocli.CommandLine.ITypeConverter<Engine> {
    @Override
    public Engine convert(String value) {
      try {
        return Engine.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not an engine; give embedded or flink");
      }
    }
  }

  /** Reads {@code auto}, {@code line}, {@code log}, {@code off}. */
  static final class StatusModeConverter implements picocli.CommandLine.ITypeConverter<StatusMode> {
    @Override
    public StatusMode convert(String value) {
      String name = value.trim().toUpperCase(Locale.ROOT);
      for (StatusMode mode : StatusMode.values()) {
        if (mode.name().equals(name)) {
          return mode;
        }
      }
      throw new picocli.CommandLine.TypeConversionException(
          "'"
              + value
              + "' is not a status mode; choose one of "
              + java.util.Arrays.stream(StatusMode.values())
                  .map(m -> m.name().toLowerCase(Locale.ROOT))
                  .collect(java.util.stream.Collectors.joining(", ")));
    }
  }

  /** Reads a port to listen on: 0 (any free port) to 65535. */
  static final class PortConverter implements picocli.CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int port;
      try {
        port = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'"
                + value
                + "' is not a port number; give one from 1 to 65535, or 0 for any free port");
      }
      if (port < 0 || port > 65535) {
        throw new picocli.CommandLine.TypeConversionException(
            port + " is outside 0 to 65535; give a port from 1 to 65535, or 0 for any free port");
      }
      return port;
    }
  }

  /** Reads durations as pipeline files write them ({@code 5s}, {@code 500ms}). */
  static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return dev.shardline.config.ConfigOptions.key("statusInterval")
          .durationType()
          .noDefaultValue()
          .parse(value);
    }
  }
}
