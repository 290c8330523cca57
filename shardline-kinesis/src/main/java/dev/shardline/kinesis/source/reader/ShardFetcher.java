package dev.shardline.kinesis.source.reader;

import dev.shardline.metrics.MetricTags;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * How a {@link KinesisShardReader} gets its shards' records: the seam between fetching (polling
 * with GetShardIterator/GetRecords in {@link PollingShardFetcher}; later fan-out with
 * SubscribeToShard in {@link FanOutShardFetcher}) and the reader's one core of buffering, emitting,
 * resharding order and checkpoints. The fetcher owns its calls, their pacing and their retries; the
 * reader owns the shards, their positions and what has been emitted.
 *
 * <p>A fetcher delivers one batch of a shard at a time to its {@link Batches} and fetches the
 * shard's next batch only when the reader asks ({@link #fetchNext}), once the batch before has been
 * emitted: a slow downstream holds fetching back instead of filling the heap.
 *
 * <p>Every method is called on the reader's thread; a fetcher hands what completes on other threads
 * back to it with {@link Batches#onReaderThread}.
 */
interface ShardFetcher extends AutoCloseable {

  /**
   * Registers the fetcher's own meters of a shard newly assigned to the reader (before {@link
   * #add}); the reader removes them when the shard leaves it.
   */
  List<Meter> registerMeters(ShardReadState shard, MetricTags tags, MeterRegistry registry);

  /** Opens the connections; called once by the reader's {@code start}, before any shard. */
  void start();

  /**
   * Starts fetching a shard newly assigned to the reader, from {@link ShardReadState#position()}.
   */
  void add(ShardReadState shard);

  /**
   * The shard's last batch was emitted (or held no record): fetch its next one, from {@link
   * ShardReadState#position()}, when pacing allows.
   */
  void fetchNext(ShardReadState shard);

  /** Makes the calls that are due now; called by each {@code pollNext}. */
  void fetch();

  /** Whether {@link #fetch} has a call to make right now. */
  boolean readyNow();

  /**
   * Completes {@code future} when {@link #fetch} will next have a call to make, if that is a time
   * rather than a completion (which wakes the reader by itself).
   */
  void wakeUpWhenDue(CompletableFuture<Void> future);

  /** Stops fetching every shard; calls in flight are dropped. */
  @Override
  void close();

  /** The reader's side of the seam. Reader thread only, except {@link #onReaderThread}. */
  interface Batches {

    /**
     * Buffers a batch of the shard's records for emitting (de-aggregated, skipping what was emitted
     * before a resume inside an aggregate).
     *
     * @return the bytes the batch held, as counted against the shard's read rate
     */
    long buffer(ShardReadState shard, List<Record> records);

    /**
     * The batch last buffered for the shard is complete: the reader emits it, then ends the shard
     * or calls {@link #fetchNext}.
     *
     * @param endOfShard whether it was the shard's last (the shard is closed and read to its end)
     * @param millisBehindLatest how far the batch is behind the shard's newest record, -1 if
     *     unknown
     */
    void delivered(ShardReadState shard, boolean endOfShard, long millisBehindLatest);

    /** Whether the shard is still the reader's (not ended, reader not closed). */
    boolean isCurrent(ShardReadState shard);

    /** Fails the reader with {@code error}; the next {@code pollNext} throws it. */
    void fail(RuntimeException error);

    /** Whether the reader has failed (then nothing more should be fetched). */
    boolean failed();

    /** Runs {@code action} on the reader's thread at its next {@code pollNext}; any thread. */
    void onReaderThread(Runnable action);
  }
}
