package dev.shardline.runtime.internal;

import dev.shardline.metrics.MetricNames;
import dev.shardline.runtime.status.FailureCause;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A pipeline's own meters, registered once for the pipeline's life (restarts keep counting), and
 * the tagged registries handed to connectors. Thread-safe.
 *
 * <p>Meter names: {@code shardline.pipeline.records.in} and {@code .records.out} (per {@code
 * worker}), {@code shardline.pipeline.checkpoints} (completed), {@code
 * shardline.pipeline.checkpoints.failed} (aborted, per {@code reason}: {@code timeout} or {@code
 * store}), {@code shardline.pipeline.checkpoint.duration}, {@code
 * shardline.pipeline.checkpoint.size} (bytes), {@code shardline.pipeline.checkpoint.last.id},
 * {@code shardline.pipeline.checkpoint.age} (seconds since the last checkpoint completed; NaN
 * before the first), {@code shardline.pipeline.restarts}, {@code
 * shardline.pipeline.restarts.by.cause} (per {@code cause}: the failure's exception type), {@code
 * shardline.pipeline.records.dropped} and {@code .records.dead.lettered} (the connectors' {@code
 * shardline.records.dropped} and {@code .dead.lettered} added up over every attempt, so a restart
 * does not reset them); all tagged {@code pipeline=<name>}.
 *
 * <p>It also keeps the recent history the status page shows: the last {@value #HISTORY}
 * checkpoints, checkpoint failures and restarts, each with its time.
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

  /** How many checkpoints, checkpoint failures and restarts the history keeps. */
  public static final int HISTORY = 200;

  /**
   * A completed checkpoint.
   *
   * @param id its id
   * @param completedAtMillis when it completed, epoch milliseconds
   * @param durationMillis from trigger to stored and committed
   * @param sizeBytes the checkpoint file's size
   */
  public record CheckpointEvent(
      long id, long completedAtMillis, long durationMillis, long sizeBytes) {}

  /**
   * An aborted checkpoint.
   *
   * @param atMillis when, epoch milliseconds
   * @param reason {@code timeout} or {@code store}
   */
  public record CheckpointFailureEvent(long atMillis, String reason) {}

  /**
   * A restart from the last checkpoint.
   *
   * @param atMillis when the failure was seen, epoch milliseconds
   * @param causeType the failure's exception type (simple name), as in the meter's tag
   * @param cause what failed, in one line
   */
  public record RestartEvent(long atMillis, String causeType, String cause) {}

  private final MeterRegistry registry;
  private final String pipeline;
  private final Time time;
  private final Tags tags;
  private final WorkerCounters[] workers;
  private final Counter checkpoints;
  private final Map<CheckpointFailure, Counter> failedCheckpoints =
      new EnumMap<>(CheckpointFailure.class);
  private final Timer checkpointDuration;
  private final DistributionSummary checkpointSize;
  private final AtomicLong lastCheckpointId = new AtomicLong();
  private final Counter restarts;
  private final Map<Tags, CompositeMeterRegistry> tagged = new ConcurrentHashMap<>();
  private volatile long lastCheckpointNanos = -1;
  // counts of the connectors' dropped / dead-lettered meters of attempts whose meters were removed
  private final DoubleAdder droppedCarried = new DoubleAdder();
  private final DoubleAdder deadLetteredCarried = new DoubleAdder();
  private final Deque<CheckpointEvent> checkpointEvents = new ArrayDeque<>();
  private final Deque<CheckpointFailureEvent> checkpointFailureEvents = new ArrayDeque<>();
  private final Deque<RestartEvent> restartEvents = new ArrayDeque<>();

  public PipelineMetrics(MeterRegistry registry, String pipeline, int parallelism) {
    this(registry, pipeline, parallelism, Time.SYSTEM);
  }

  public PipelineMetrics(MeterRegistry registry, String pipeline, int parallelism, Time time) {
    this.registry = registry;
    this.pipeline = pipeline;
    this.time = time;
    Tags tags = Tags.of("pipeline", pipeline);
    this.tags = tags;
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
    Gauge.builder("shardline.pipeline.checkpoint.age", this, m -> m.secondsSinceLastCheckpoint())
        .description("Seconds since the last checkpoint completed (NaN before the first)")
        .baseUnit("seconds")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("shardline.pipeline.records.dropped", this, PipelineMetrics::dropped)
        .description("Records the bad-data policy dropped, over all attempts")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder(
            "shardline.pipeline.records.dead.lettered", this, PipelineMetrics::deadLettered)
        .description("Records sent to the dead-letter sink, over all attempts")
        .tags(tags)
        .register(registry);
  }

  /** Seconds since the last checkpoint completed, NaN before the first. */
  public double secondsSinceLastCheckpoint() {
    long at = lastCheckpointNanos;
    return at < 0 ? Double.NaN : (time.nanoseconds() - at) / 1e9;
  }

  /** Records dropped by the bad-data policy, over all attempts. */
  public double dropped() {
    return droppedCarried.sum() + live(MetricNames.RECORDS_DROPPED);
  }

  /** Records sent to the dead-letter sink, over all attempts. */
  public double deadLettered() {
    return deadLetteredCarried.sum() + live(MetricNames.RECORDS_DEAD_LETTERED);
  }

  private double live(String name) {
    double total = 0;
    for (Meter meter : registry.find(name).tag("pipeline", pipeline).meters()) {
      total += count(meter);
    }
    return total;
  }

  /** A counter's or function counter's count; 0 for other meters. */
  static double count(Meter meter) {
    if (meter instanceof Counter counter) {
      return counter.count();
    }
    if (meter instanceof FunctionCounter counter) {
      return counter.count();
    }
    return 0;
  }

  /** The registry the pipeline's and its connectors' meters go to. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The pipeline's name. */
  public String pipeline() {
    return pipeline;
  }

  /** How many workers there are. */
  public int parallelism() {
    return workers.length;
  }

  /** Checkpoints completed so far. */
  public long checkpointsCompleted() {
    return (long) checkpoints.count();
  }

  /** Checkpoints aborted so far. */
  public long checkpointsFailed() {
    long total = 0;
    for (Counter counter : failedCheckpoints.values()) {
      total += (long) counter.count();
    }
    return total;
  }

  /** The recent completed checkpoints, oldest first. */
  public synchronized List<CheckpointEvent> checkpointHistory() {
    return List.copyOf(checkpointEvents);
  }

  /** The recent aborted checkpoints, oldest first. */
  public synchronized List<CheckpointFailureEvent> checkpointFailureHistory() {
    return List.copyOf(checkpointFailureEvents);
  }

  /** The recent restarts, oldest first. */
  public synchronized List<RestartEvent> restartHistory() {
    return List.copyOf(restartEvents);
  }

  /** Restarts so far. */
  public long restarts() {
    return (long) restarts.count();
  }

  private static <E> void keep(Deque<E> events, E event) {
    events.addLast(event);
    if (events.size() > HISTORY) {
      events.removeFirst();
    }
  }

  public WorkerCounters worker(int index) {
    return workers[index];
  }

  public void checkpointCompleted(long id, long durationNanos, long sizeBytes) {
    checkpoints.increment();
    checkpointDuration.record(durationNanos, TimeUnit.NANOSECONDS);
    checkpointSize.record(sizeBytes);
    lastCheckpointId.set(id);
    lastCheckpointNanos = time.nanoseconds();
    synchronized (this) {
      keep(
          checkpointEvents,
          new CheckpointEvent(
              id, time.milliseconds(), TimeUnit.NANOSECONDS.toMillis(durationNanos), sizeBytes));
    }
  }

  public void checkpointFailed(CheckpointFailure reason) {
    failedCheckpoints.get(reason).increment();
    synchronized (this) {
      keep(checkpointFailureEvents, new CheckpointFailureEvent(time.milliseconds(), reason.tag()));
    }
  }

  /** A restart after {@code failure}: counted, and by its cause. */
  public void restarted(Throwable failure) {
    restarts.increment();
    String type = FailureCause.type(failure);
    Counter.builder("shardline.pipeline.restarts.by.cause")
        .description("Restarts from the last checkpoint, per the failure's exception type")
        .tags(tags.and("cause", type))
        .register(registry)
        .increment();
    synchronized (this) {
      keep(
          restartEvents,
          new RestartEvent(time.milliseconds(), type, FailureCause.describe(failure)));
    }
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
        String name = meter.getId().getName();
        if (name.equals(MetricNames.RECORDS_DROPPED)) {
          droppedCarried.add(count(meter));
        } else if (name.equals(MetricNames.RECORDS_DEAD_LETTERED)) {
          deadLetteredCarried.add(count(meter));
        }
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
