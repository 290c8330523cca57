package dev.shardline.connectors.generator;

import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.SourceReader;
import dev.shardline.metrics.MetricNames;
import dev.shardline.metrics.MetricTags;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * Emits the sequence numbers of its splits, round-robin, a batch at a time, paced by the injected
 * {@link Time} when a rate is set; after falling behind it catches up by at most 100 ms worth of
 * records, never in one burst of everything it missed. Never blocks: when the rate allows nothing
 * yet, it returns {@link InputStatus#NOTHING_AVAILABLE} with an availability future that a timer
 * completes. Used from the worker thread only.
 */
final class GeneratorReader<T> implements SourceReader<T, GeneratorSplit> {
  /** The shortest pause between paced batches: finer pacing costs more than it is worth. */
  private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /**
   * The most a paced reader may catch up after falling behind (a stall, a slow sink, a GC pause):
   * this much time's worth of records. The rest of the arrears is forgotten, so no second ever sees
   * much more than the rate.
   */
  private static final double MAX_CREDIT_SECONDS = 0.1;

  private static final class Cursor {
    final int index;
    final int splitCount;
    long position;
    final List<Meter> meters = new ArrayList<>();
    Counter records;

    Cursor(GeneratorSplit split) {
      this.index = split.index();
      this.splitCount = split.splitCount();
      this.position = split.position();
    }

    long next() {
      return index + position * splitCount;
    }
  }

  private final LongFunction<T> records;
  private final long count;
  private final double ratePerSecond;
  private final int batchSize;
  private final Time time;
  private final MeterRegistry metrics;
  private final String sourceIdentity;
  private final List<Cursor> cursors = new ArrayList<>();
  private int nextCursor;
  private int active;
  private boolean noMoreSplits;
  private CompletableFuture<Void> available = CompletableFuture.completedFuture(null);
  private ScheduledExecutorService pacer;
  private double readerRate;
  private long paceStartNanos;
  private long pacedEmitted;

  GeneratorReader(
      LongFunction<T> records, long count, double ratePerSecond, int batchSize, Time time) {
    this(records, count, ratePerSecond, batchSize, time, new SimpleMeterRegistry(), "generator");
  }

  /**
   * A reader whose splits report, tagged {@code source} and {@code split}, the records they emitted
   * ({@value MetricNames#SOURCE_RECORDS}) and, when paced, how far the reader is behind its rate
   * ({@value MetricNames#SOURCE_LAG_MILLIS}: the records owed, in milliseconds of the rate).
   */
  GeneratorReader(
      LongFunction<T> records,
      long count,
      double ratePerSecond,
      int batchSize,
      Time time,
      MeterRegistry metrics,
      String sourceIdentity) {
    this.metrics = metrics;
    this.sourceIdentity = sourceIdentity;
    this.records = records;
    this.count = count;
    this.ratePerSecond = ratePerSecond;
    this.batchSize = batchSize;
    this.time = time;
  }

  @Override
  public void start() {}

  @Override
  public InputStatus pollNext(ReaderOutput<T> output) {
    if (active == 0) {
      return idle();
    }
    long budget = batchSize;
    if (ratePerSecond > 0) {
      long now = time.nanoseconds();
      double maxCredit = Math.max(1, readerRate * MAX_CREDIT_SECONDS);
      if ((now - paceStartNanos) * readerRate / 1e9 - pacedEmitted > maxCredit) {
        // further behind than the cap: pace from a start that leaves exactly the cap to catch up
        paceStartNanos = now - (long) (maxCredit * 1e9 / readerRate);
        pacedEmitted = 0;
      }
      long allowed = (long) ((now - paceStartNanos) * readerRate / 1e9) - pacedEmitted;
      if (allowed <= 0) {
        waitForPermit(now);
        return InputStatus.NOTHING_AVAILABLE;
      }
      budget = Math.min(budget, allowed);
    }
    Cursor cursor = nextActiveCursor();
    long emitted = 0;
    while (emitted < budget) {
      long n = cursor.next();
      if (count >= 0 && n >= count) {
        break;
      }
      output.collect(records.apply(n));
      cursor.position++;
      emitted++;
    }
    if (cursor.records != null) {
      cursor.records.increment(emitted);
    }
    pacedEmitted += emitted;
    if (isFinished(cursor)) {
      active--;
      removeMeters(cursor);
      resetPacing();
    }
    return active == 0 ? idle() : InputStatus.MORE_AVAILABLE;
  }

  private InputStatus idle() {
    if (noMoreSplits) {
      return InputStatus.END_OF_INPUT;
    }
    if (available.isDone()) {
      available = new CompletableFuture<>();
    }
    return InputStatus.NOTHING_AVAILABLE;
  }

  private Cursor nextActiveCursor() {
    while (true) {
      Cursor cursor = cursors.get(nextCursor);
      nextCursor = (nextCursor + 1) % cursors.size();
      if (!isFinished(cursor)) {
        return cursor;
      }
    }
  }

  private boolean isFinished(Cursor cursor) {
    return count >= 0 && cursor.next() >= count;
  }

  private void waitForPermit(long now) {
    double dueNanos = (pacedEmitted + 1) * 1e9 / readerRate;
    long wait = Math.max(MIN_WAIT_NANOS, (long) dueNanos - (now - paceStartNanos));
    if (pacer == null) {
      pacer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "shardline-generator-pacer");
                t.setDaemon(true);
                return t;
              });
    }
    CompletableFuture<Void> future = new CompletableFuture<>();
    available = future;
    pacer.schedule(() -> future.complete(null), wait, TimeUnit.NANOSECONDS);
  }

  /** The reader's share of the rate changed: measure from now on. */
  private void resetPacing() {
    if (ratePerSecond > 0 && !cursors.isEmpty()) {
      readerRate = ratePerSecond * active / cursors.get(0).splitCount;
      paceStartNanos = time.nanoseconds();
      pacedEmitted = 0;
    }
  }

  @Override
  public CompletableFuture<Void> isAvailable() {
    return available;
  }

  @Override
  public void addSplits(List<GeneratorSplit> splits) {
    for (GeneratorSplit split : splits) {
      Cursor cursor = new Cursor(split);
      cursors.add(cursor);
      if (!isFinished(cursor)) {
        active++;
        registerMeters(cursor, split.splitId());
      }
    }
    resetPacing();
    available.complete(null);
  }

  @Override
  public void notifyNoMoreSplits() {
    noMoreSplits = true;
    available.complete(null);
  }

  @Override
  public List<GeneratorSplit> snapshotState(long checkpointId) {
    List<GeneratorSplit> splits = new ArrayList<>(cursors.size());
    for (Cursor cursor : cursors) {
      splits.add(new GeneratorSplit(cursor.index, cursor.splitCount, cursor.position));
    }
    return splits;
  }

  private void registerMeters(Cursor cursor, String splitId) {
    MetricTags tags = MetricTags.empty().source(sourceIdentity).split(splitId);
    cursor.records =
        Counter.builder(MetricNames.SOURCE_RECORDS)
            .description("Records the generator emitted")
            .tags(tags)
            .register(metrics);
    cursor.meters.add(cursor.records);
    if (ratePerSecond > 0) {
      cursor.meters.add(
          Gauge.builder(MetricNames.SOURCE_LAG_MILLIS, this, GeneratorReader::millisBehindRate)
              .description("How far the generator is behind its rate, in milliseconds")
              .tags(tags)
              .register(metrics));
    }
  }

  private double millisBehindRate() {
    if (readerRate <= 0 || active == 0) {
      return 0;
    }
    double owed = (time.nanoseconds() - paceStartNanos) * readerRate / 1e9 - pacedEmitted;
    return Math.max(0, owed) * 1000 / readerRate;
  }

  private void removeMeters(Cursor cursor) {
    for (Meter meter : cursor.meters) {
      metrics.remove(meter);
    }
    cursor.meters.clear();
    cursor.records = null;
  }

  @Override
  public void close() {
    for (Cursor cursor : cursors) {
      removeMeters(cursor);
    }
    if (pacer != null) {
      pacer.shutdownNow();
    }
  }
}
