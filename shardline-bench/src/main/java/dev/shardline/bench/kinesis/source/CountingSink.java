package dev.shardline.bench.kinesis.source;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.kinesis.source.KinesisRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A sink that only counts what reaches it: records and value bytes (published at once, so a harness
 * sees the count while the pipeline runs), the time of the first record, and optionally value bytes
 * per shard. It does next to nothing per record, so a benchmark measures the source and the runner,
 * not a destination. Thread-safe; each writer is used by one worker thread.
 */
final class CountingSink implements Sink<KinesisRecord<byte[]>> {
  private final boolean perShard;
  private final List<AtomicLong> recordCounts = new CopyOnWriteArrayList<>();
  private final List<AtomicLong> byteCounts = new CopyOnWriteArrayList<>();
  private final AtomicLong firstRecordNanos = new AtomicLong();
  private final Map<String, LongAdder> bytesByShard = new ConcurrentHashMap<>();
  private final Map<String, List<Arrival>> arrivalsByShard = new ConcurrentHashMap<>();

  /** When a record arrived ({@link System#nanoTime()}) and its value's size. */
  record Arrival(long nanos, int bytes) {}

  /**
   * @param perShard also count value bytes and keep arrival times per shard (a map lookup and an
   *     object per record: for the quota benchmark's large records, not for volume)
   */
  CountingSink(boolean perShard) {
    this.perShard = perShard;
  }

  @Override
  public SinkWriter<KinesisRecord<byte[]>> createWriter(SinkContext context) {
    AtomicLong records = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    recordCounts.add(records);
    byteCounts.add(bytes);
    return new SinkWriter<>() {
      private long localRecords;
      private long localBytes;

      @Override
      public void write(KinesisRecord<byte[]> record) {
        if (localRecords == 0) {
          firstRecordNanos.compareAndSet(0, System.nanoTime());
        }
        int length = record.value().length;
        localRecords++;
        localBytes += length;
        // a plain store the harness thread reads: no lock, no read-modify-write
        records.lazySet(localRecords);
        bytes.lazySet(localBytes);
        if (perShard) {
          bytesByShard.computeIfAbsent(record.shardId(), s -> new LongAdder()).add(length);
          arrivalsByShard
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

  /** Records written so far, over all writers. */
  long records() {
    long sum = 0;
    for (AtomicLong count : recordCounts) {
      sum += count.get();
    }
    return sum;
  }

  /** Value bytes written so far, over all writers. */
  long bytes() {
    long sum = 0;
    for (AtomicLong count : byteCounts) {
      sum += count.get();
    }
    return sum;
  }

  /** {@link System#nanoTime()} when the first record arrived, or 0. */
  long firstRecordNanos() {
    return firstRecordNanos.get();
  }

  /** Every record's arrival per shard id so far (only with {@code perShard}). */
  Map<String, List<Arrival>> arrivalsByShard() {
    return new java.util.TreeMap<>(arrivalsByShard);
  }

  /** Value bytes per shard id so far (only with {@code perShard}). */
  Map<String, Long> bytesByShard() {
    Map<String, Long> copy = new java.util.TreeMap<>();
    bytesByShard.forEach((shard, bytes) -> copy.put(shard, bytes.sum()));
    return copy;
  }
}
