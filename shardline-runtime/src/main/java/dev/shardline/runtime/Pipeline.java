package dev.shardline.runtime;

import static dev.shardline.util.Preconditions.checkNotNull;
import static dev.shardline.util.Preconditions.checkState;

import dev.shardline.api.ShardlineException;
import dev.shardline.api.Source;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.runtime.checkpoint.DirectoryCheckpointStore;
import dev.shardline.runtime.internal.Execution;
import dev.shardline.runtime.internal.FatalPipelineException;
import dev.shardline.runtime.internal.PipelineMetrics;
import dev.shardline.runtime.internal.PipelineSpec;
import dev.shardline.runtime.internal.StatusGraph;
import dev.shardline.runtime.internal.StatusHistory;
import dev.shardline.runtime.status.PipelineState;
import dev.shardline.runtime.status.StatusReport;
import dev.shardline.runtime.status.StatusServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source, a chain of record functions and one or more sinks, run in this JVM by the embedded
 * runner with checkpointed source positions.
 *
 * <pre>{@code
 * Pipeline pipeline = Pipeline.from(GeneratorSource.jsonEvents(16, 100).count(1_000_000).build())
 *     .map(String::toUpperCase)
 *     .to(FileSink.lines(Path.of("out")).build())
 *     .name("demo")
 *     .parallelism(2)
 *     .checkpointInterval(Duration.ofSeconds(1))
 *     .checkpointDirectory(Path.of("checkpoints/demo"))
 *     .build();
 * pipeline.run(); // returns when the bounded source is done; or call stop() from another thread
 * }</pre>
 *
 * <p>How it runs: {@code parallelism} worker threads, each with one {@link
 * dev.shardline.api.SourceReader}, its own copy of the function chain and one {@link
 * dev.shardline.api.SinkWriter} per sink, so a record goes from reader to writers on one thread.
 * The split enumerator, the committers and the checkpoint coordinator run on the pipeline's own
 * thread. Every {@link PipelineBuilder#checkpointInterval checkpoint interval} each worker, at its
 * next record boundary, flushes its writers, takes their states and committables and snapshots its
 * reader; the coordinator stores all of it (with the enumerator's state) atomically in the {@link
 * CheckpointStore}, then notifies the enumerator and readers and commits the committables. Source
 * positions are exactly once; sink output is at least once, exactly once with a {@link
 * dev.shardline.api.TransactionalSink}.
 *
 * <p>On start the latest checkpoint in the store is restored (at another parallelism the splits are
 * redistributed by the source's enumerator); a checkpoint written by another source is refused. A
 * failure restarts the pipeline from its last checkpoint as the {@link RestartPolicy} allows.
 *
 * <p>A {@code Pipeline} runs once: {@link #start()} or {@link #run()} once per instance; build
 * another to run again. Its methods are thread-safe.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final PipelineSpec spec;
  private final InetSocketAddress statusServerAddress;
  private final CompletableFuture<Void> termination = new CompletableFuture<>();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final AtomicLong completedCheckpoints = new AtomicLong();
  private volatile long lastCheckpointId = -1;
  private volatile Execution current;
  private volatile PipelineMetrics metrics;
  private volatile PipelineState state = PipelineState.STARTING;
  private volatile StatusHistory history;
  private ScheduledExecutorService sampler;
  private StatusServer statusServer;
  private Thread thread;
  private Thread shutdownHook;

  Pipeline(PipelineSpec spec) {
    this(spec, null);
  }

  Pipeline(PipelineSpec spec, InetSocketAddress statusServerAddress) {
    this.spec = spec;
    this.statusServerAddress = statusServerAddress;
  }

  /** A flow from {@code source}; add functions and sinks to it. */
  public static <T> Flow<T> from(Source<T, ?, ?> source) {
    return new Flow<>(checkNotNull(source, "source"), List.of());
  }

  /** The pipeline's name. */
  public String name() {
    return spec.name();
  }

  /**
   * Starts the pipeline on its own thread and returns at once.
   *
   * @throws IllegalStateException when it was started before
   */
  public synchronized void start() {
    checkState(thread == null, "Pipeline '" + spec.name() + "' was already started");
    metrics = new PipelineMetrics(spec.metrics(), spec.name(), spec.parallelism(), spec.time());
    history =
        new StatusHistory(
            metrics, spec.time(), spec.checkpointInterval(), () -> state, StatusGraph.of(spec));
    history.sample();
    sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "shardline-" + spec.name() + "-status");
              t.setDaemon(true);
              return t;
            });
    sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    if (statusServerAddress != null) {
      try {
        statusServer = StatusServer.start(this, statusServerAddress, null);
        LOG.info("Pipeline '{}': status page at {}", spec.name(), statusServer.url());
      } catch (IOException e) {
        sampler.shutdownNow();
        throw new UnrecoverableException(
            "Cannot serve the status page of pipeline '"
                + spec.name()
                + "' on "
                + statusServerAddress
                + ": "
                + e.getMessage()
                + "; choose another port for statusServer (0: any free port)",
            e);
      }
    }
    thread = new Thread(this::runAttempts, "shardline-" + spec.name());
    if (spec.stopOnJvmShutdown()) {
      shutdownHook = new Thread(this::stopOnShutdown, "shardline-" + spec.name() + "-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
    thread.start();
  }

  /**
   * Runs the pipeline and blocks until the source ends (a bounded source, after its final
   * checkpoint) or {@link #stop()} is called.
   *
   * @throws PipelineFailedException when it failed for good
   */
  public void run() {
    start();
    await();
  }

  /**
   * Blocks until the pipeline ended.
   *
   * @throws PipelineFailedException when it failed for good
   */
  public void await() {
    try {
      termination.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ShardlineException("Interrupted while waiting for pipeline '" + name() + "'", e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  /**
   * Blocks until the pipeline ended or {@code timeout} passed.
   *
   * @return whether it ended
   * @throws PipelineFailedException when it failed for good
   */
  public boolean await(Duration timeout) {
    try {
      termination.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ShardlineException("Interrupted while waiting for pipeline '" + name() + "'", e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  /**
   * Stops gracefully: every worker stops at its next record boundary, a final checkpoint is taken
   * and committed, everything is closed. Blocks until that is done. When the pipeline is waiting to
   * restart, it ends without a checkpoint (the last one stands). Does nothing if the pipeline was
   * never started or has ended. A final checkpoint that does not complete within {@code
   * checkpoint.timeout} fails the stop instead of blocking it for good.
   *
   * @throws PipelineFailedException when the pipeline failed (also while stopping, such as when the
   *     final checkpoint timed out: the message names the last complete checkpoint, which the next
   *     start restores)
   */
  public void stop() {
    synchronized (this) {
      if (thread == null) {
        return;
      }
    }
    stopRequested.countDown();
    Execution execution = current;
    if (execution != null) {
      execution.requestStop();
    }
    await();
  }

  /** What it was built with. */
  PipelineSpec spec() {
    return spec;
  }

  /** Whether the pipeline has ended (finished, stopped or failed). */
  public boolean isDone() {
    return termination.isDone();
  }

  /** How many checkpoints this pipeline completed since it started, over all restarts. */
  public long completedCheckpoints() {
    return completedCheckpoints.get();
  }

  /**
   * What the pipeline is doing now: state, health, totals, the last 15 minutes of rates, lags and
   * checkpoints (sampled once a second while it runs). What the status page shows.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public StatusReport status() {
    StatusHistory h = history;
    checkState(h != null, "Pipeline '" + spec.name() + "' was not started");
    return h.report();
  }

  /**
   * {@link #status()} without its series (empty lists): state, health, totals, each split's current
   * values, checkpoints and restarts. Cheap enough to take every second, as a status line does.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public StatusReport statusWithoutSeries() {
    StatusHistory h = history;
    checkState(h != null, "Pipeline '" + spec.name() + "' was not started");
    return h.report(false);
  }

  /** Where the status page is served, when the builder's {@code statusServer} turned it on. */
  public synchronized Optional<String> statusUrl() {
    return statusServer == null ? Optional.empty() : Optional.of(statusServer.url());
  }

  private void sample() {
    try {
      history.sample();
    } catch (RuntimeException e) {
      LOG.debug("Pipeline '{}': status sample failed", spec.name(), e);
    }
  }

  /** The id of the last checkpoint this pipeline completed, if any. */
  public OptionalLong lastCheckpointId() {
    long id = lastCheckpointId;
    return id < 0 ? OptionalLong.empty() : OptionalLong.of(id);
  }

  private void onCheckpointCompleted(long id) {
    lastCheckpointId = id;
    completedCheckpoints.incrementAndGet();
  }

  private void runAttempts() {
    Throwable failure = null;
    try (CheckpointStore store = openStore()) {
      runAttempts(store);
    } catch (Throwable t) {
      failure = t;
    }
    // only now, with the store closed (its directory unlocked), may a waiter run the next pipeline
    removeShutdownHook();
    if (failure == null) {
      state = stopRequested.getCount() == 0 ? PipelineState.STOPPED : PipelineState.FINISHED;
    } else {
      state = PipelineState.FAILED;
    }
    sample();
    sampler.shutdownNow();
    synchronized (this) {
      if (statusServer != null) {
        statusServer.close();
      }
    }
    if (failure == null) {
      termination.complete(null);
    } else {
      termination.completeExceptionally(failure);
    }
  }

  private CheckpointStore openStore() throws Exception {
    if (spec.checkpointStore() != null) {
      return spec.checkpointStore();
    }
    try {
      return DirectoryCheckpointStore.open(spec.checkpointDirectory(), spec.retainedCheckpoints());
    } catch (ShardlineException e) {
      throw new PipelineFailedException(e.getMessage(), 0, e);
    }
  }

  private void runAttempts(CheckpointStore store) throws Exception {
    RestartPolicy policy = spec.restartPolicy();
    List<Throwable> failures = new ArrayList<>();
    int attempts = 0;
    int failuresInARow = 0;
    while (true) {
      attempts++;
      Execution execution = new Execution(spec, store, metrics, this::onCheckpointCompleted);
      current = execution;
      state = PipelineState.RUNNING;
      if (stopRequested.getCount() == 0) {
        execution.requestStop();
      }
      try {
        Execution.Outcome outcome = execution.run();
        LOG.info(
            "Pipeline '{}' {} (last checkpoint {})",
            spec.name(),
            outcome == Execution.Outcome.FINISHED ? "finished" : "stopped",
            lastCheckpointId().isPresent() ? lastCheckpointId().getAsLong() : "none");
        return;
      } catch (FatalPipelineException e) {
        throw new PipelineFailedException(e.getMessage(), attempts, e.getCause());
      } catch (Throwable t) {
        current = null;
        metrics.removeAttemptMeters(); // the failed attempt's readers and writers are closed
        UnrecoverableException unrecoverable = UnrecoverableException.findIn(t);
        if (unrecoverable != null) {
          // the message says what, where and the fix; the trace is for -v / debugging
          LOG.error(
              "Pipeline '{}' failed with an error no restart can fix (attempt {}): {}",
              spec.name(),
              attempts,
              unrecoverable.getMessage());
          LOG.debug("Pipeline '{}': the failure in full", spec.name(), t);
          PipelineFailedException e =
              new PipelineFailedException(unrecoverable.getMessage(), attempts, t);
          failures.forEach(e::addSuppressed);
          throw e;
        }
        if (execution.madeProgress()) {
          failuresInARow = 0;
        }
        if (stopRequested.getCount() == 0) {
          throw failed("failed while stopping", attempts, t, failures);
        }
        if (failuresInARow >= policy.maxRestarts()) {
          throw failed(
              "failed "
                  + attempts
                  + " time(s); gave up after "
                  + policy.maxRestarts()
                  + " restart(s) in a row without progress (no checkpoint completed after a"
                  + " record was read or a split assigned; the restart policy's maximum)",
              attempts,
              t,
              failures);
        }
        failures.add(t);
        long delay = policy.backoff().delay(failuresInARow).toMillis();
        failuresInARow++;
        state = PipelineState.RESTARTING;
        metrics.restarted(t);
        LOG.warn(
            "Pipeline '{}' failed (attempt {}); restart {} of at most {} in {} ms from the last"
                + " checkpoint",
            spec.name(),
            attempts,
            failuresInARow,
            policy.maxRestarts(),
            delay,
            t);
        if (stopRequested.await(delay, TimeUnit.MILLISECONDS)) {
          LOG.info("Pipeline '{}' stopped while waiting to restart", spec.name());
          return;
        }
      }
    }
  }

  private PipelineFailedException failed(
      String what, int attempts, Throwable last, List<Throwable> earlier) {
    PipelineFailedException e =
        new PipelineFailedException(
            "Pipeline '" + spec.name() + "' " + what + ". Last error: " + last, attempts, last);
    earlier.forEach(e::addSuppressed);
    return e;
  }

  private static RuntimeException rethrow(Throwable failure) {
    if (failure instanceof PipelineFailedException e) {
      // a fresh exception, so the caller's stack shows where it waited; the original is the cause
      PipelineFailedException copy =
          new PipelineFailedException(e.getMessage(), e.attempts(), e.getCause());
      for (Throwable suppressed : e.getSuppressed()) {
        copy.addSuppressed(suppressed);
      }
      return copy;
    }
    if (failure instanceof RuntimeException e) {
      return e;
    }
    return new ShardlineException(failure.toString(), failure);
  }

  private void stopOnShutdown() {
    LOG.info("JVM shutting down: stopping pipeline '{}'", spec.name());
    try {
      stop();
    } catch (RuntimeException e) {
      LOG.error("Pipeline '{}' failed while stopping for JVM shutdown", spec.name(), e);
    }
  }

  private void removeShutdownHook() {
    Thread hook = shutdownHook;
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down; the hook is running or done
      }
    }
  }
}
