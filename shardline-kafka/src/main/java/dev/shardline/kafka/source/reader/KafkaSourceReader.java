package dev.shardline.kafka.source.reader;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.format.RecordCoordinates;
import dev.shardline.format.RecordDecoder;
import dev.shardline.kafka.internal.ClusterWatch;
import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import dev.shardline.metrics.MetricNames;
import dev.shardline.metrics.MetricTags;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the Kafka partitions one worker owns. A dedicated fetch thread ({@link KafkaFetcher}) runs
 * the blocking {@code KafkaConsumer.poll} and hands batches over a bounded queue; {@link #pollNext}
 * only takes what is queued, so it never blocks, and {@link #isAvailable()} completes when the
 * fetch thread queues a batch (or when the rate limit allows the next record).
 *
 * <p>Positions: each owned partition's state is the offset after the last record handed downstream;
 * {@link #snapshotState} returns those, and restoring seeks exactly there. When a checkpoint
 * completes, its offsets are committed to the consumer group (if one is configured), for lag
 * monitoring only.
 *
 * <p>Each record's value goes through the {@link RecordDecoder} (format, framing, bad-data policy)
 * with its coordinates {@code topic}, {@code partition}, {@code offset}; a null value (tombstone)
 * is decoded as empty bytes.
 *
 * <p>Bounded sources: a split with a stopping offset is read up to it (records at or after it are
 * not handed downstream) and is then finished: when its next offset reaches the stopping offset, or
 * when the consumer's position does (see {@link KafkaFetcher}; with read_committed, transaction
 * markers and aborted records may end a partition). A finished split stays in the reader's state at
 * its stopping offset, so a restore finishes it again at once. Once the enumerator said no more
 * splits come and every owned split is finished, {@link #pollNext} returns {@code END_OF_INPUT}. An
 * unbounded reader drops the stopping offsets of splits restored from a bounded source's checkpoint
 * and reads on. All methods run on the worker thread.
 *
 * @param <V> the decoded value
 * @param <T> what it emits (the value, or a {@code KafkaRecord} with metadata)
 */
public final class KafkaSourceReader<V, T> implements SourceReader<T, KafkaPartitionSplit> {
  private static final byte[] EMPTY = new byte[0];
  private static final CompletableFuture<Void> AVAILABLE = CompletableFuture.completedFuture(null);

  /** The gauge of a partition's records between the last one emitted and its end. */
  public static final String LAG_RECORDS = "shardline.source.kafka.lag.records";

  /** Batches of up to {@code max.poll.records} that may wait between the threads. */
  public static final int QUEUE_CAPACITY = 4;

  private final RecordDecoder<V> decoder;
  private final RecordEmitter<V, T> emitter;
  private final RecordRateLimiter rateLimiter;
  private final boolean commitOffsets;
  private final boolean bounded;
  private final String stoppingDescription;
  private final KafkaFetcher fetcher;
  private final io.micrometer.core.instrument.MeterRegistry metrics;
  private final MetricTags tags;
  private final dev.shardline.time.Time time;
  private final AtomicReference<CompletableFuture<Void>> available =
      new AtomicReference<>(new CompletableFuture<>());

  // worker thread only
  private final Map<TopicPartition, PartitionPosition> positions = new LinkedHashMap<>();
  private final TreeMap<Long, Map<TopicPartition, Long>> uncommitted = new TreeMap<>();
  private final Coordinates coordinates = new Coordinates();
  private final Emit emit = new Emit();
  private Iterator<TopicPartition> batchPartitions;
  private KafkaFetcher.Fetch fetch;
  private ConsumerRecords<byte[], byte[]> batch;
  private List<ConsumerRecord<byte[], byte[]>> partitionRecords;
  private PartitionPosition partitionPosition;
  private int recordIndex;
  private CompletableFuture<Void> rateLimitWait;
  private boolean started;
  private boolean noMoreSplits;
  private int unfinished;

  /**
   * A reader of an unbounded source.
   *
   * @param source the source's identity, for metrics
   * @param description what it reads (topics, reader index), for thread names and errors
   * @param messagesPerSecond this reader's share of the rate limit; 0 for none
   * @param commitOffsets whether to commit checkpointed offsets to the consumer group
   */
  public KafkaSourceReader(
      SourceReaderContext context,
      String source,
      String description,
      RecordDecoder<V> decoder,
      RecordEmitter<V, T> emitter,
      Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumerFactory,
      double messagesPerSecond,
      boolean commitOffsets) {
    this(
        context,
        source,
        description,
        decoder,
        emitter,
        consumerFactory,
        messagesPerSecond,
        commitOffsets,
        null,
        null);
  }

  /**
   * @param source the source's identity, for metrics
   * @param description what it reads (topics, reader index), for thread names and errors
   * @param messagesPerSecond this reader's share of the rate limit; 0 for none
   * @param commitOffsets whether to commit checkpointed offsets to the consumer group
   * @param stoppingOffsets for a bounded source, how its stopping offsets were configured (e.g.
   *     {@code stoppingOffsets.type latest}, for errors); null for an unbounded source
   * @param watch whether the brokers answer the consumer: the reader fails once they have not for
   *     its limit; closed with the reader. Null for none
   */
  public KafkaSourceReader(
      SourceReaderContext context,
      String source,
      String description,
      RecordDecoder<V> decoder,
      RecordEmitter<V, T> emitter,
      Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumerFactory,
      double messagesPerSecond,
      boolean commitOffsets,
      String stoppingOffsets,
      ClusterWatch watch) {
    checkNotNull(context, "context");
    this.bounded = stoppingOffsets != null;
    this.stoppingDescription = stoppingOffsets;
    this.decoder = checkNotNull(decoder, "decoder");
    this.emitter = checkNotNull(emitter, "emitter");
    this.rateLimiter =
        messagesPerSecond > 0 ? new RecordRateLimiter(messagesPerSecond, context.time()) : null;
    this.commitOffsets = commitOffsets;
    this.fetcher =
        new KafkaFetcher(
            consumerFactory,
            QUEUE_CAPACITY,
            this::signalAvailable,
            description,
            "shardline-kafka-fetcher-" + description.replace(' ', '-'),
            watch);
    this.metrics = context.metrics();
    this.tags = MetricTags.empty().source(source);
    this.time = context.time();
  }

  @Override
  public void start() {
    started = true;
    fetcher.start();
  }

  @Override
  public void addSplits(List<KafkaPartitionSplit> splits) {
    List<KafkaPartitionSplit> toRead = new ArrayList<>(splits.size());
    for (KafkaPartitionSplit given : splits) {
      KafkaPartitionSplit split = given;
      if (!bounded && split.hasStoppingOffset()) {
        // restored from a bounded source's checkpoint: this source reads on
        split = split.withoutStoppingOffset();
      }
      if (bounded && !split.hasStoppingOffset()) {
        throw new ShardlineException(
            "Partition "
                + split.splitId()
                + " comes from the checkpoint of an unbounded Kafka source (no stopping offset),"
                + " but this source is bounded ("
                + stoppingDescription
                + "): a bounded source resolves its stopping offsets when it first starts. Start"
                + " it with a new checkpoint directory, or remove stoppingOffsets to read on"
                + " without end");
      }
      PartitionPosition position = new PartitionPosition(split.nextOffset(), split);
      PartitionPosition previous = positions.put(split.topicPartition(), position);
      if (previous != null && !previous.finished) {
        unfinished--;
      }
      if (previous != null) {
        removeMeters(previous);
      }
      registerMeters(position);
      if (!position.finished) {
        unfinished++;
        toRead.add(split);
      }
    }
    if (!toRead.isEmpty()) {
      fetcher.addSplits(toRead);
    } else {
      signalAvailable(); // only finished partitions: the reader may have reached its end
    }
  }

  @Override
  public void notifyNoMoreSplits() {
    // only bounded sources' enumerators send it; then the reader ends once its splits are finished
    noMoreSplits = true;
    // a runtime waiting on isAvailable() (Flink's does, and only that) must poll to see the end
    signalAvailable();
  }

  /** Whether this reader emitted everything it ever will. */
  private boolean reachedEnd() {
    return bounded && noMoreSplits && unfinished == 0;
  }

  @Override
  public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
    if (batch == null) {
      if (reachedEnd()) {
        return InputStatus.END_OF_INPUT;
      }
      fetcher.checkFailure();
      fetch = fetcher.poll();
      if (fetch == null) {
        return InputStatus.NOTHING_AVAILABLE;
      }
      batch = fetch.records();
      batchPartitions = batch.partitions().iterator();
      partitionRecords = null;
    }
    emit.output = output;
    try {
      while (true) {
        if (partitionRecords == null || recordIndex >= partitionRecords.size()) {
          if (!batchPartitions.hasNext()) {
            batch = null;
            endPartitions(fetch.ended(), output);
            fetch = null;
            break;
          }
          countSegment(partitionPosition);
          TopicPartition partition = batchPartitions.next();
          partitionRecords = batch.records(partition);
          partitionPosition = positions.get(partition);
          recordIndex = 0;
          coordinates.partition(partition);
          if (partitionPosition == null) {
            // not ours (cannot happen: partitions are only ever added); skip defensively
            partitionRecords = null;
            continue;
          }
          // each partition's own output: its own watermark on Flink
          emit.output = output.forSplit(partitionPosition.split.splitId());
        }
        ConsumerRecord<byte[], byte[]> record = partitionRecords.get(recordIndex);
        if (record.offset() < partitionPosition.nextOffset
            || record.offset() >= partitionPosition.stoppingOffset) {
          // already handed downstream, or at or past the stopping offset (then never read)
          recordIndex++;
          continue;
        }
        if (rateLimiter != null && !rateLimiter.tryAcquire()) {
          rateLimitWait =
              new CompletableFuture<Void>()
                  .completeOnTimeout(
                      null, Math.max(1, rateLimiter.nanosUntilNext()), TimeUnit.NANOSECONDS);
          return InputStatus.NOTHING_AVAILABLE;
        }
        byte[] value = record.value() == null ? EMPTY : record.value();
        coordinates.offset = record.offset();
        emit.record = record;
        decoder.decode(value, coordinates, emit);
        partitionPosition.nextOffset = record.offset() + 1;
        if (partitionPosition.nextOffset >= partitionPosition.stoppingOffset) {
          finish(partitionPosition, output);
        }
        recordIndex++;
        partitionPosition.segmentRecords++;
        partitionPosition.segmentBytes += value.length;
        partitionPosition.lastTimestamp = record.timestamp();
      }
    } finally {
      emit.output = null;
      countSegment(partitionPosition);
    }
    if (reachedEnd()) {
      return InputStatus.END_OF_INPUT;
    }
    return fetcher.hasBatch() ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE;
  }

  /** Adds what was emitted of {@code position} since the last call to its meters. */
  private static void countSegment(PartitionPosition position) {
    if (position != null && position.segmentRecords > 0) {
      position.records.increment(position.segmentRecords);
      position.bytes.increment(position.segmentBytes);
      position.segmentRecords = 0;
      position.segmentBytes = 0;
    }
  }

  /**
   * The partition's meters, tagged {@code source} and {@code split} as the other sources' are:
   * records and value bytes emitted, the records behind the log end ({@value #LAG_RECORDS}), and
   * how far behind in time ({@value MetricNames#SOURCE_LAG_MILLIS}: now minus the timestamp of the
   * last record emitted while records are behind, 0 when none is).
   */
  private void registerMeters(PartitionPosition position) {
    MetricTags split = tags.split(position.split.splitId());
    position.records =
        Counter.builder(MetricNames.SOURCE_RECORDS)
            .description("Records the Kafka source emitted")
            .tags(split)
            .register(metrics);
    position.bytes =
        Counter.builder(MetricNames.SOURCE_BYTES)
            .description("Bytes of record values the Kafka source read")
            .tags(split)
            .register(metrics);
    position.meters.add(position.records);
    position.meters.add(position.bytes);
    position.meters.add(
        io.micrometer.core.instrument.Gauge.builder(LAG_RECORDS, position, this::lagRecords)
            .description("Records between the last one emitted and the partition's end")
            .tags(split)
            .register(metrics));
    position.meters.add(
        io.micrometer.core.instrument.Gauge.builder(
                MetricNames.SOURCE_LAG_MILLIS, position, this::lagMillis)
            .description(
                "How far behind the partition's end the source is, in time: now minus the last"
                    + " emitted record's timestamp while records are behind, else 0")
            .tags(split)
            .register(metrics));
  }

  /** Records behind the partition's end; NaN while its end is not known. Any thread. */
  private double lagRecords(PartitionPosition position) {
    long end = fetcher.endOffset(position.split.topicPartition());
    if (end < 0) {
      return Double.NaN;
    }
    long next = Math.min(position.nextOffset, position.stoppingOffset);
    long stop = Math.min(end, position.stoppingOffset);
    return Math.max(0, stop - next);
  }

  /** See {@link #registerMeters}; NaN while unknown. Any thread. */
  private double lagMillis(PartitionPosition position) {
    double behind = lagRecords(position);
    if (Double.isNaN(behind)) {
      return Double.NaN;
    }
    if (behind == 0) {
      return 0;
    }
    long last = position.lastTimestamp;
    return last < 0 ? Double.NaN : Math.max(0, time.milliseconds() - last);
  }

  private void removeMeters(PartitionPosition position) {
    for (io.micrometer.core.instrument.Meter meter : position.meters) {
      metrics.remove(meter);
    }
    position.meters.clear();
  }

  /** Marks the partitions whose consumer position reached their stopping offset finished. */
  private void endPartitions(Map<TopicPartition, Long> ended, ReaderOutput<T> output) {
    for (TopicPartition partition : ended.keySet()) {
      PartitionPosition position = positions.get(partition);
      if (position != null && !position.finished) {
        // every record before the position that is not past the stopping offset was emitted;
        // the offsets in between hold transaction markers or aborted records
        position.nextOffset = Math.max(position.nextOffset, position.stoppingOffset);
        finish(position, output);
      }
    }
  }

  private void finish(PartitionPosition position, ReaderOutput<T> output) {
    position.finished = true;
    unfinished--;
    output.releaseSplit(position.split.splitId());
  }

  @Override
  public CompletableFuture<Void> isAvailable() {
    if (rateLimitWait != null) {
      if (!rateLimitWait.isDone()) {
        return rateLimitWait;
      }
      rateLimitWait = null;
    }
    if (batch != null || fetcher.hasBatch() || fetcher.hasFailed() || reachedEnd()) {
      return AVAILABLE;
    }
    CompletableFuture<Void> future = available.get();
    if (future.isDone()) {
      future = new CompletableFuture<>();
      available.set(future);
    }
    // a batch queued between the check above and the new future must not be missed
    if (fetcher.hasBatch() || fetcher.hasFailed()) {
      future.complete(null);
    }
    return future;
  }

  /** On the fetch thread, after it queued a batch or failed. */
  private void signalAvailable() {
    available.get().complete(null);
  }

  @Override
  public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
    List<KafkaPartitionSplit> splits = new ArrayList<>(positions.size());
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (Map.Entry<TopicPartition, PartitionPosition> e : positions.entrySet()) {
      long next = e.getValue().nextOffset;
      splits.add(e.getValue().split.withNextOffset(next));
      if (next >= 0) {
        offsets.put(e.getKey(), next);
      }
    }
    if (commitOffsets && !offsets.isEmpty()) {
      uncommitted.put(checkpointId, offsets);
    }
    return splits;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    Map<TopicPartition, Long> offsets = uncommitted.get(checkpointId);
    uncommitted.headMap(checkpointId, true).clear();
    if (offsets != null) {
      fetcher.commit(offsets);
    }
  }

  @Override
  public void close() {
    for (PartitionPosition position : positions.values()) {
      removeMeters(position);
    }
    if (started) {
      try {
        fetcher.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The next offset of one partition, mutable by the worker thread. */
  private static final class PartitionPosition {
    /** The split as assigned: topic, partition and stopping offset. */
    final KafkaPartitionSplit split;

    /** Long.MAX_VALUE when the partition has no stopping offset. */
    final long stoppingOffset;

    // written by the worker thread for each record, read by the lag gauges on the metrics
    // thread: plain fields (a volatile write per record costs the hot path; a gauge may read a
    // value a record old)
    long nextOffset;
    boolean finished;

    // meters, and what was emitted since they were last updated (worker thread)
    final List<io.micrometer.core.instrument.Meter> meters = new ArrayList<>();
    Counter records;
    Counter bytes;
    long segmentRecords;
    long segmentBytes;
    long lastTimestamp = -1;

    PartitionPosition(long nextOffset, KafkaPartitionSplit split) {
      this.split = split;
      this.nextOffset = nextOffset;
      this.stoppingOffset = split.hasStoppingOffset() ? split.stoppingOffset() : Long.MAX_VALUE;
      this.finished = split.isFinished();
    }
  }

  /** The coordinates of the record being decoded; the map is only built for bad records. */
  private static final class Coordinates implements RecordCoordinates {
    private String topic;
    private int partition;
    long offset;

    void partition(TopicPartition tp) {
      topic = tp.topic();
      partition = tp.partition();
    }

    @Override
    public Map<String, String> asMap() {
      Map<String, String> map = new LinkedHashMap<>();
      map.put("topic", topic);
      map.put("partition", Integer.toString(partition));
      map.put("offset", Long.toString(offset));
      return map;
    }
  }

  /** Hands each decoded value downstream with its record's metadata and timestamp. */
  private final class Emit implements Consumer<V> {
    ReaderOutput<T> output;
    ConsumerRecord<byte[], byte[]> record;

    @Override
    public void accept(V value) {
      output.collect(emitter.emit(value, record), record.timestamp());
    }
  }
}
