package dev.shardline.bench.kinesis.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Pre-fills a stream with a bare SDK PutRecords loop: batches of up to 500 records (and 4 MiB), a
 * few batches in flight, failed records sent again. Records are {@code recordBytes} bytes of ASCII
 * text starting with their index; they go to the shards in turn by explicit hash key, so every
 * shard gets the same number.
 */
final class StreamFiller {
  private static final int MAX_BATCH_RECORDS = 500;
  private static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;
  private static final int IN_FLIGHT = 4;

  private StreamFiller() {}

  /** Writes {@code count} records of {@code recordBytes} bytes; returns when all are stored. */
  static void fill(KinesisAsyncClient client, String stream, long count, int recordBytes)
      throws Exception {
    List<Shard> shards = client.listShards(b -> b.streamName(stream)).join().shards();
    List<String> hashKeys = shards.stream().map(s -> s.hashKeyRange().startingHashKey()).toList();
    byte[] filler = new byte[recordBytes];
    for (int i = 0; i < recordBytes; i++) {
      filler[i] = (byte) ('a' + i % 26);
    }
    long started = System.nanoTime();
    long lastReport = started;
    ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    long next = 0;
    while (next < count) {
      List<PutRecordsRequestEntry> batch = new ArrayList<>(MAX_BATCH_RECORDS);
      long batchBytes = 0;
      while (next < count
          && batch.size() < MAX_BATCH_RECORDS
          && batchBytes + recordBytes <= MAX_BATCH_BYTES) {
        byte[] data = filler.clone();
        byte[] index = Long.toString(next).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(index, 0, data, 0, Math.min(index.length, data.length));
        batch.add(
            PutRecordsRequestEntry.builder()
                .partitionKey("k" + (next % 1000))
                .explicitHashKey(hashKeys.get((int) (next % hashKeys.size())))
                .data(SdkBytes.fromByteArrayUnsafe(data))
                .build());
        batchBytes += recordBytes;
        next++;
      }
      inFlight.add(put(client, stream, batch));
      while (inFlight.size() >= IN_FLIGHT) {
        inFlight.poll().join();
      }
      long now = System.nanoTime();
      if (now - lastReport > 10_000_000_000L) {
        lastReport = now;
        System.out.printf(
            Locale.ROOT,
            "  pre-fill: %,d of %,d records (%,.0f records/s)%n",
            next,
            count,
            next / ((now - started) / 1e9));
      }
    }
    for (CompletableFuture<Void> f : inFlight) {
      f.join();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "  pre-filled %,d records of %d bytes into %d shards in %.1f s (%,.0f records/s)%n",
        count,
        recordBytes,
        shards.size(),
        seconds,
        count / seconds);
  }

  private static CompletableFuture<Void> put(
      KinesisAsyncClient client, String stream, List<PutRecordsRequestEntry> batch) {
    return client
        .putRecords(b -> b.streamName(stream).records(batch))
        .thenCompose(
            (PutRecordsResponse response) -> {
              if (response.failedRecordCount() == null || response.failedRecordCount() == 0) {
                return CompletableFuture.completedFuture(null);
              }
              List<PutRecordsRequestEntry> failed = new ArrayList<>();
              List<PutRecordsResultEntry> results = response.records();
              for (int i = 0; i < results.size(); i++) {
                if (results.get(i).errorCode() != null) {
                  failed.add(batch.get(i));
                }
              }
              return put(client, stream, failed);
            });
  }
}
