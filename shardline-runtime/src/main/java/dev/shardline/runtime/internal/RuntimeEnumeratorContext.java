package dev.shardline.runtime.internal;

import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceSplit;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded runner's {@link SplitEnumeratorContext}: the enumerator's view of the runner. Every
 * method runs on the coordinator thread; a {@link #callAsync} callable runs on the execution's
 * async threads and its handler back on the coordinator thread, as a mailbox message.
 */
final class RuntimeEnumeratorContext implements SplitEnumeratorContext<SourceSplit> {
  // the coordinator's log, under one name whichever of its parts writes
  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

  private final String pipelineName;
  private final int parallelism;
  private final Workers workers;
  private final ScheduledExecutorService executor;
  private final Consumer<Action> coordinator;
  private final MeterRegistry enumeratorMetrics;
  private final Time time;
  private final Set<Integer> registeredReaders = new TreeSet<>();
  private boolean splitAssigned;

  /**
   * @param executor where {@link #callAsync} callables run
   * @param coordinator posts an action to the coordinator's mailbox
   */
  RuntimeEnumeratorContext(
      PipelineSpec spec,
      Workers workers,
      ScheduledExecutorService executor,
      Consumer<Action> coordinator,
      PipelineMetrics metrics) {
    this.pipelineName = spec.name();
    this.parallelism = spec.parallelism();
    this.workers = workers;
    this.executor = executor;
    this.coordinator = coordinator;
    this.enumeratorMetrics = metrics.tagged("component", "enumerator");
    this.time = spec.time();
  }

  /** Reader {@code readerId} is registered: {@link #registeredReaders()} holds it from now on. */
  void registerReader(int readerId) {
    registeredReaders.add(readerId);
  }

  /** Whether a split has been assigned in this execution: progress, once a checkpoint holds it. */
  boolean splitAssigned() {
    return splitAssigned;
  }

  @Override
  public int parallelism() {
    return parallelism;
  }

  @Override
  public Set<Integer> registeredReaders() {
    return Set.copyOf(registeredReaders);
  }

  @Override
  public void assignSplits(Map<Integer, List<SourceSplit>> assignment) {
    for (Map.Entry<Integer, List<SourceSplit>> entry : assignment.entrySet()) {
      Worker worker = worker(entry.getKey());
      List<SourceSplit> splits = List.copyOf(entry.getValue());
      if (!splits.isEmpty()) {
        splitAssigned = true;
        worker.post(() -> worker.addSplits(splits));
      }
    }
  }

  @Override
  public void signalNoMoreSplits(int readerId) {
    Worker worker = worker(readerId);
    worker.post(worker::notifyNoMoreSplits);
  }

  @Override
  public void sendEventToReader(int readerId, SourceEvent event) {
    Worker worker = worker(readerId);
    worker.post(() -> worker.handleSourceEvent(event));
  }

  @Override
  public <R> void callAsync(
      Callable<R> callable,
      BiConsumer<R, Throwable> handler,
      Duration initialDelay,
      Duration period) {
    Runnable task =
        () -> {
          R result = null;
          Throwable error = null;
          try {
            result = callable.call();
          } catch (Throwable t) {
            error = t;
          }
          R r = result;
          Throwable e = error;
          coordinator.accept(() -> handler.accept(r, e));
        };
    try {
      if (period.isZero()) {
        executor.schedule(task, initialDelay.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        executor.scheduleWithFixedDelay(
            task, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException e) {
      LOG.debug("Pipeline '{}' is shutting down; callAsync ignored", pipelineName);
    }
  }

  @Override
  public MeterRegistry metrics() {
    return enumeratorMetrics;
  }

  @Override
  public Time time() {
    return time;
  }

  private Worker worker(int readerId) {
    if (readerId < 0 || readerId >= parallelism) {
      throw new IllegalArgumentException(
          "readerId must be from 0 to " + (parallelism - 1) + ", was " + readerId);
    }
    return workers.get(readerId);
  }
}
