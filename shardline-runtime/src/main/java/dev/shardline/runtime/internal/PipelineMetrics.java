package dev.shardline.runtime.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pipeline's own meters, registered once for the pipeline's life (restarts keep counting), and
 * the tagged registries handed to connectors. Thread-safe.
 *
 * <p>Meter names: {@code shardline.pipeline.records.in} and {@code .records.out} (per {@code
 * worker}), {@code shardline.pipeline.checkpoints} (completed), {@code
 * shardline.pipeline.checkpoints.failed} (aborted, per {@code reason}: {@code timeout} or {@code
 * store}), {@code shardline.pipeline.checkpoint.duration}, {@code
 * shardline.pipeline.checkpoint.size} (bytes), {@code shardline.pipeline.checkpoint.last.id},
 * {@code shardline.pipeline.restarts}; all tagged {@code pipeline=<name>}.
 */
public final class PipelineMetrics {
  /** Per-worker record counts. Written by the worker's thread only, read by any. */
  public static final class WorkerCounters {
    volatile long recordsIn;
    volatile long recordsOut;

    public long recordsIn() {
      return recordsIn;
    }

    public long recordsOut() {
      return recordsOut;
    }
  }

  private final MeterRegistry registry;
  private final String pipeline;
  private final WorkerCounters[] workers;
  private final Counter checkpoints;
  private final Map<CheckpointFailure, Counter> failedCheckpoints =
      new EnumMap<>(CheckpointFailure.class);
  private final Timer checkpointDuration;
  private final DistributionSummary checkpointSize;
  private final AtomicLong lastCheckpointId = new AtomicLong();
  private final Counter restarts;
  private final Map<Tags, CompositeMeterRegistry> tagged = new ConcurrentHashMap<>();

  public PipelineMetrics(MeterRegistry registry, String pipeline, int parallelism) {
    this.registry = registry;
    this.pipeline = pipeline;
    Tags tags = Tags.of("pipeline", pipeline);
    this.workers = new WorkerCounters[parallelism];
    for (int i = 0; i < parallelism; i++) {
      WorkerCounters counters = new WorkerCounters();
      workers[i] = counters;
      Tags workerTags = tags.and("worker", Integer.toString(i));
      FunctionCounter.builder("shardline.pipeline.records.in", counters, c -> c.recordsIn)
          .description("Records the worker's reader emitted")
          .tags(workerTags)
          .register(registry);
      FunctionCounter.builder("shardline.pipeline.records.out", counters, c -> c.recordsOut)
          .description("Records the worker handed to its sinks (once per record, not per sink)")
          .tags(workerTags)
          .register(registry);
    }
    this.checkpoints =
        Counter.builder("shardline.pipeline.checkpoints")
            .description("Checkpoints completed")
            .tags(tags)
            .register(registry);
    for (CheckpointFailure reason : CheckpointFailure.values()) {
      failedCheckpoints.put(
          reason,
          Counter.builder("shardline.pipeline.checkpoints.failed")
              .description("Checkpoints aborted: not stored, nothing committed for them")
              .tags(tags.and("reason", reason.tag()))
              .register(registry));
    }
    this.checkpointDuration =
        Timer.builder("shardline.pipeline.checkpoint.duration")
            .description("From trigger to stored and committed")
            .tags(tags)
            .register(registry);
    this.checkpointSize =
        DistributionSummary.builder("shardline.pipeline.checkpoint.size")
            .description("Checkpoint file size")
            .baseUnit("bytes")
            .tags(tags)
            .register(registry);
    Gauge.builder("shardline.pipeline.checkpoint.last.id", lastCheckpointId, AtomicLong::get)
        .description("The id of the last completed checkpoint")
        .tags(tags)
        .register(registry);
    this.restarts =
        Counter.builder("shardline.pipeline.restarts")
            .description("Restarts from the last checkpoint after a failure")
            .tags(tags)
            .register(registry);
  }

  public WorkerCounters worker(int index) {
    return workers[index];
  }

  public void checkpointCompleted(long id, long durationNanos, long sizeBytes) {
    checkpoints.increment();
    checkpointDuration.record(durationNanos, TimeUnit.NANOSECONDS);
    checkpointSize.record(sizeBytes);
    lastCheckpointId.set(id);
  }

  public void checkpointFailed(CheckpointFailure reason) {
    failedCheckpoints.get(reason).increment();
  }

  public void restarted() {
    restarts.increment();
  }

  /**
   * A registry whose meters carry {@code pipeline=<name>} plus {@code extraTags} and land in the
   * user's registry: what connector contexts hand out. Meters registered through it belong to the
   * current attempt: {@link #removeAttemptMeters()} removes them.
   */
  public MeterRegistry tagged(String... extraTags) {
    Tags tags = Tags.of("pipeline", pipeline).and(extraTags);
    return tagged.computeIfAbsent(
        tags,
        t -> {
          CompositeMeterRegistry composite = new CompositeMeterRegistry();
          composite.config().commonTags(t);
          composite.add(registry);
          return composite;
        });
  }

  /**
   * Removes from the user's registry every meter registered through {@link #tagged} since the last
   * call: the meters of an attempt that failed, whose readers, writers and enumerator are closed.
   * Without it the next attempt's components would register meters of the same ids, which the
   * registry ignores (Micrometer warns "Gauge has been already registered"): its gauges would go on
   * reporting the dead writer's values. The pipeline's own meters stay (restarts keep counting).
   */
  public void removeAttemptMeters() {
    for (CompositeMeterRegistry composite : tagged.values()) {
      for (Meter meter : List.copyOf(composite.getMeters())) {
        composite.remove(meter);
        // the user's registry holds its own meter of that id: remove it there too, by id, rather
        // than count on the composite passing the removal on
        registry.removeByPreFilterId(meter.getId());
      }
      // not closed: closing a composite closes the registries in it, the user's one included
    }
    tagged.clear();
  }
}
