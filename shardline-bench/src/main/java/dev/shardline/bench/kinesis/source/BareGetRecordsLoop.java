package dev.shardline.bench.kinesis.source;

import dev.shardline.kinesis.aggregation.RecordDeaggregator;
import dev.shardline.testkit.kinesis.StreamContents;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The baseline: the least a program can do to read a stream with the SDK. From TRIM_HORIZON,
 * GetRecords with the largest limit, no pacing, no checkpoints, no decoding; it only touches each
 * record's data (its length) so that nothing is optimized away. Records are counted as Kinesis
 * records, or as user records ({@link #userRecords}: KPL aggregates de-aggregated, as a program
 * reading aggregates must).
 */
final class BareGetRecordsLoop {
  private static final int LIMIT = 10_000;

  private BareGetRecordsLoop() {}

  /**
   * Counts a record as the user records it holds: a KPL aggregate de-aggregated, any other record
   * as one.
   */
  static int userRecords(Record record) {
    byte[] data = record.data().asByteArrayUnsafe();
    if (!RecordDeaggregator.hasMagic(data)) {
      return 1;
    }
    // de-aggregating copies each user record's data out of the aggregate
    return RecordDeaggregator.deaggregate(data).map(List::size).orElse(1);
  }

  /** What a drain read. */
  record Drained(long records, long bytes, long calls) {}

  /** One thread, the synchronous client, the shards in turn until {@code expected} records. */
  static Drained drainSync(KinesisClient client, String stream, long expected) {
    List<String> iterators = trimHorizonIterators(client, stream);
    long records = 0;
    long bytes = 0;
    long calls = 0;
    while (records < expected) {
      boolean any = false;
      for (int i = 0; i < iterators.size(); i++) {
        String iterator = iterators.get(i);
        GetRecordsResponse response =
            client.getRecords(b -> b.shardIterator(iterator).limit(LIMIT));
        calls++;
        for (Record record : response.records()) {
          bytes += record.data().asByteBuffer().remaining();
        }
        records += response.records().size();
        any |= !response.records().isEmpty();
        iterators.set(i, response.nextShardIterator());
      }
      if (!any) {
        throw new IllegalStateException(
            "Every shard is drained after " + records + " records, expected " + expected);
      }
    }
    return new Drained(records, bytes, calls);
  }

  /** An iterator at TRIM_HORIZON for each of the stream's shards, in the order ListShards gave. */
  private static List<String> trimHorizonIterators(KinesisClient client, String stream) {
    List<String> iterators = new ArrayList<>();
    for (Shard shard : StreamContents.shards(client, stream)) {
      iterators.add(StreamContents.trimHorizonIterator(client, stream, shard.shardId()));
    }
    return iterators;
  }

  /**
   * The synchronous client, a thread per shard (as the KCL's polling reader and Flink's connector
   * read, and as the source has one call in flight per shard): each thread reads its shard until it
   * is drained or the threads together read {@code expected} records. The client needs a connection
   * per shard.
   */
  static Drained drainSyncThreadPerShard(KinesisClient client, String stream, long expected) {
    AtomicLong records = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong calls = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    List<String> firsts = trimHorizonIterators(client, stream);
    for (int i = 0; i < firsts.size(); i++) {
      String first = firsts.get(i);
      Thread thread =
          new Thread(
              () -> {
                String iterator = first;
                while (records.get() < expected && iterator != null) {
                  String current = iterator;
                  GetRecordsResponse response =
                      client.getRecords(b -> b.shardIterator(current).limit(LIMIT));
                  calls.incrementAndGet();
                  long size = 0;
                  for (Record record : response.records()) {
                    size += record.data().asByteBuffer().remaining();
                  }
                  bytes.addAndGet(size);
                  records.addAndGet(response.records().size());
                  if (response.records().isEmpty()) {
                    return; // drained
                  }
                  iterator = response.nextShardIterator();
                }
              },
              "bare-sync-" + i);
      thread.setUncaughtExceptionHandler((t, e) -> failures.add(e));
      threads.add(thread);
    }
    threads.forEach(Thread::start);
    try {
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while the shards' threads read", e);
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("A shard's thread failed", failures.get(0));
    }
    return new Drained(records.get(), bytes.get(), calls.get());
  }

  /**
   * The asynchronous client, every shard read at once (one call in flight per shard), the calls
   * chained on the SDK's I/O threads, until {@code expected} records.
   */
  static Drained drainAsync(KinesisAsyncClient client, String stream, long expected) {
    return drainAsync(client, stream, expected, record -> 1, LIMIT);
  }

  /**
   * As {@link #drainAsync(KinesisAsyncClient, String, long)}, counting each record as {@code count}
   * says (e.g. {@link #userRecords}) until {@code expected}, at most {@code limit} records per
   * call.
   */
  static Drained drainAsync(
      KinesisAsyncClient client,
      String stream,
      long expected,
      ToIntFunction<Record> count,
      int limit) {
    AtomicLong records = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong calls = new AtomicLong();
    List<CompletableFuture<Void>> shards = new ArrayList<>();
    client
        .listShards(b -> b.streamName(stream))
        .join()
        .shards()
        .forEach(
            shard ->
                shards.add(
                    client
                        .getShardIterator(
                            b ->
                                b.streamName(stream)
                                    .shardId(shard.shardId())
                                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                        .thenCompose(
                            r ->
                                readShard(
                                    client,
                                    r.shardIterator(),
                                    expected,
                                    count,
                                    limit,
                                    records,
                                    bytes,
                                    calls))));
    CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new)).join();
    return new Drained(records.get(), bytes.get(), calls.get());
  }

  private static CompletableFuture<Void> readShard(
      KinesisAsyncClient client,
      String iterator,
      long expected,
      ToIntFunction<Record> count,
      int limit,
      AtomicLong records,
      AtomicLong bytes,
      AtomicLong calls) {
    return client
        .getRecords(b -> b.shardIterator(iterator).limit(limit))
        .thenCompose(
            response -> {
              calls.incrementAndGet();
              long size = 0;
              long read = 0;
              for (Record record : response.records()) {
                size += record.data().asByteBuffer().remaining();
                read += count.applyAsInt(record);
              }
              bytes.addAndGet(size);
              long total = records.addAndGet(read);
              if (response.records().isEmpty() || total >= expected) {
                return CompletableFuture.completedFuture(null);
              }
              return readShard(
                  client,
                  response.nextShardIterator(),
                  expected,
                  count,
                  limit,
                  records,
                  bytes,
                  calls);
            });
  }
}
