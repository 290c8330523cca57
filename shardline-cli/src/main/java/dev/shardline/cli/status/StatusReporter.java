package dev.shardline.cli.status;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.cli.logging.Terminal;
import dev.shardline.runtime.Pipeline;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a running pipeline's progress: a live {@link StatusLine} on the terminal every second
 * ({@link StatusMode#LINE}), or the same text as an INFO log line every interval ({@link
 * StatusMode#LOG}). One daemon thread; {@link #close()} stops it and erases the live line.
 */
public final class StatusReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);

  private final Supplier<String> status;
  private final StatusMode mode;
  private final Terminal terminal;
  private final ScheduledExecutorService timer;

  private StatusReporter(Supplier<String> status, StatusMode mode, Terminal terminal) {
    this.status = status;
    this.mode = mode;
    this.terminal = terminal;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "shardline-status");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts reporting on {@code pipeline}.
   *
   * @param mode {@link StatusMode#LINE}, {@link StatusMode#LOG} or {@link StatusMode#OFF}
   * @param logInterval how often a log line is written in {@link StatusMode#LOG}
   */
  public static StatusReporter start(
      Pipeline pipeline,
      MeterRegistry registry,
      StatusMode mode,
      Duration logInterval,
      Terminal terminal) {
    checkNotNull(pipeline, "pipeline");
    checkNotNull(registry, "registry");
    return start(new EmbeddedStatus(pipeline, registry)::render, mode, logInterval, terminal);
  }

  /**
   * Starts reporting the line {@code status} renders (called on the reporter's thread, once per
   * report), e.g. a Flink job's status.
   */
  public static StatusReporter start(
      Supplier<String> status, StatusMode mode, Duration logInterval, Terminal terminal) {
    checkNotNull(status, "status");
    StatusReporter reporter = new StatusReporter(status, mode, terminal);
    long periodMillis = mode == StatusMode.LINE ? 1000 : Math.max(100, logInterval.toMillis());
    if (mode != StatusMode.OFF) {
      reporter.timer.scheduleAtFixedRate(
          reporter::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }
    return reporter;
  }

  /** An embedded pipeline's status line (rates since the previous call). Not thread-safe. */
  private static final class EmbeddedStatus {
    private final Pipeline pipeline;
    private final MeterRegistry registry;
    private final StatusLine line;
    private long lastCheckpointId = -1;
    private long lastCheckpointNanos;

    EmbeddedStatus(Pipeline pipeline, MeterRegistry registry) {
      this.pipeline = pipeline;
      this.registry = registry;
      this.line = new StatusLine(pipeline.name());
    }

    String render() {
      long now = System.nanoTime();
      OptionalLong id = pipeline.lastCheckpointId();
      if (id.isPresent() && id.getAsLong() != lastCheckpointId) {
        lastCheckpointId = id.getAsLong();
        lastCheckpointNanos = now;
      }
      Duration age = id.isPresent() ? Duration.ofNanos(now - lastCheckpointNanos) : null;
      PipelineStatus status = PipelineStatus.read(registry, id, age);
      try {
        status = status.withHealth(PipelineStatus.health(pipeline.statusWithoutSeries()));
      } catch (IllegalStateException e) {
        // not started yet: no health word
      }
      return line.render(status, now);
    }
  }

  private void tick() {
    try {
      String text = status.get();
      if (mode == StatusMode.LINE) {
        terminal.showStatus(text);
      } else {
        LOG.info("{}", text);
      }
    } catch (RuntimeException e) {
      LOG.debug("Status not available", e);
    }
  }

  /** Stops reporting and erases the live line; again, it does nothing. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    terminal.clearStatus();
  }
}
