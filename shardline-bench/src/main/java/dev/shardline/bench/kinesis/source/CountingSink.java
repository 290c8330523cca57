package dev.shardline.bench.kinesis.source;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.kinesis.source.KinesisRecord;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A sink that only counts what reaches it: records and value bytes (published at once, so a harness
 * sees the count while the pipeline runs), the time of the first record, and optionally value bytes
 * per shard. It does next to nothing per record, so a benchmark measures the source and the runner,
 * not a destination. Thread-safe; each writer is used by one worker thread. Serializable, for
 * Flink: a copy in the same JVM counts into the same figures (a few per run, never released).
 */
final class CountingSink implements Sink<KinesisRecord<byte[]>>, Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * The counts of every sink of this JVM by id. Flink ships a copy of the sink to its tasks (even
   * on a MiniCluster in the same JVM), so a copy finds its counts here by the id it was built with.
   */
  private static final Map<String, Counts> COUNTS = new ConcurrentHashMap<>();

  private final String id = UUID.randomUUID().toString();
  private final boolean perShard;

  private static final class Counts {
    final List<AtomicLong> recordCounts = new CopyOnWriteArrayList<>();
    final List<AtomicLong> byteCounts = new CopyOnWriteArrayList<>();
    final AtomicLong firstRecordNanos = new AtomicLong();
    final Map<String, LongAdder> bytesByShard = new ConcurrentHashMap<>();
    final Map<String, List<Arrival>> arrivalsByShard = new ConcurrentHashMap<>();
    // records over all writers, and the count a harness waits for: the writer that reaches it
    // wakes the harness, so that no harness thread polls while the pipeline is measured
    final AtomicLong total = new AtomicLong();
    volatile long target = Long.MAX_VALUE;
    final CountDownLatch firstSeen = new CountDownLatch(1);
    final CountDownLatch targetReached = new CountDownLatch(1);
  }

  /** When a record arrived ({@link System#nanoTime()}) and its value's size. */
  record Arrival(long nanos, int bytes) {}

  /**
   * @param perShard also count value bytes and keep arrival times per shard (a map lookup and an
   *     object per record: for the quota benchmark's large records, not for volume)
   */
  CountingSink(boolean perShard) {
    this.perShard = perShard;
    COUNTS.put(id, new Counts());
  }

  private Counts counts() {
    return COUNTS.get(id);
  }

  @Override
  public SinkWriter<KinesisRecord<byte[]>> createWriter(SinkContext context) {
    Counts counts = counts();
    AtomicLong records = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    counts.recordCounts.add(records);
    counts.byteCounts.add(bytes);
    return new SinkWriter<>() {
      private long localRecords;
      private long localBytes;

      @Override
      public void write(KinesisRecord<byte[]> record) {
        if (localRecords == 0) {
          counts.firstRecordNanos.compareAndSet(0, System.nanoTime());
          counts.firstSeen.countDown();
        }
        if (counts.total.incrementAndGet() == counts.target) {
          counts.targetReached.countDown();
        }
        int length = record.value().length;
        localRecords++;
        localBytes += length;
        // a plain store the harness thread reads: no lock, no read-modify-write
        records.lazySet(localRecords);
        bytes.lazySet(localBytes);
        if (perShard) {
          counts.bytesByShard.computeIfAbsent(record.shardId(), s -> new LongAdder()).add(length);
          counts
              .arrivalsByShard
              .computeIfAbsent(record.shardId(), s -> new CopyOnWriteArrayList<>())
              .add(new Arrival(System.nanoTime(), length));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  /**
   * Waits up to {@code timeout} for the first record; the calling thread sleeps meanwhile (no
   * polling).
   */
  boolean awaitFirst(Duration timeout) throws InterruptedException {
    return counts().firstSeen.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits up to {@code timeout} until {@code expected} records were written over all writers; the
   * calling thread sleeps meanwhile, and the writer that writes the last one wakes it. Set one
   * {@code expected} per sink.
   */
  boolean awaitRecords(long expected, Duration timeout) throws InterruptedException {
    Counts counts = counts();
    counts.target = expected;
    if (counts.total.get() >= expected) {
      return true;
    }
    return counts.targetReached.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Records written so far, over all writers. */
  long records() {
    long sum = 0;
    for (AtomicLong count : counts().recordCounts) {
      sum += count.get();
    }
    return sum;
  }

  /** Value bytes written so far, over all writers. */
  long bytes() {
    long sum = 0;
    for (AtomicLong count : counts().byteCounts) {
      sum += count.get();
    }
    return sum;
  }

  /** {@link System#nanoTime()} when the first record arrived, or 0. */
  long firstRecordNanos() {
    return counts().firstRecordNanos.get();
  }

  /** Every record's arrival per shard id so far (only with {@code perShard}). */
  Map<String, List<Arrival>> arrivalsByShard() {
    return new java.util.TreeMap<>(counts().arrivalsByShard);
  }

  /** Value bytes per shard id so far (only with {@code perShard}). */
  Map<String, Long> bytesByShard() {
    Map<String, Long> copy = new java.util.TreeMap<>();
    counts().bytesByShard.forEach((shard, bytes) -> copy.put(shard, bytes.sum()));
    return copy;
  }
}
