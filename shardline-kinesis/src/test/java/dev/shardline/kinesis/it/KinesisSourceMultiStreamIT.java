package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * One source reading two streams on kinesalite ("a" with 2 shards, "b" with 1), 2 readers: records
 * written to both streams before and while reading arrive exactly once, each naming the stream (and
 * shard) it was written to, in sequence-number order per shard. After a graceful stop (final
 * checkpoint) more records are written to both streams, and a new pipeline on the same checkpoint
 * directory reads exactly those: no replay, no gap.
 */
class KinesisSourceMultiStreamIT {
  private static final String A = "a";
  private static final String B = "b";

  @TempDir Path dir;

  /** What the sink keeps of a record; the value is "stream:index". */
  private record Read(String value, String stream, String shardId, String sequenceNumber) {}

  /** Where PutRecords put a record. */
  private record Written(String stream, String shardId, String sequenceNumber) {}

  @Test
  void readsBothStreamsOnceInOrderAndResumesFromTheFinalCheckpoint() throws Exception {
    try (LocalKinesalite kinesalite =
        LocalKinesalite.builder().initialStream(A, 2).initialStream(B, 1).start()) {
      KinesisClient client = kinesalite.client();
      Map<String, Written> written = new HashMap<>();
      put(client, A, 0, 300, written);
      put(client, B, 0, 300, written);

      CollectingSink<KinesisRecord<byte[]>, Read> first =
          new CollectingSink<>(KinesisSourceMultiStreamIT::read);
      Pipeline pipeline = pipeline(kinesalite, first);
      pipeline.start();
      try {
        Await.until(
            Duration.ofSeconds(60), () -> first.size() >= 100, () -> first.size() + " read");
        // while reading
        put(client, A, 300, 600, written);
        put(client, B, 300, 600, written);
        Await.until(
            Duration.ofSeconds(60),
            () -> first.size() >= 1_200,
            () -> first.size() + " of 1200 read");
        Thread.sleep(1_000); // nothing more may come (a duplicate): give it the time to show up
      } finally {
        pipeline.stop(); // the final checkpoint; also when the wait failed
      }
      check(first.records(), written);

      Map<String, Written> later = new HashMap<>();
      put(client, A, 600, 750, later);
      put(client, B, 600, 750, later);
      CollectingSink<KinesisRecord<byte[]>, Read> second =
          new CollectingSink<>(KinesisSourceMultiStreamIT::read);
      Pipeline resumed = pipeline(kinesalite, second);
      resumed.start();
      try {
        Await.until(
            Duration.ofSeconds(60),
            () -> second.size() >= 300,
            () -> second.size() + " of 300 read after the restart");
        Thread.sleep(1_500); // a replay of older records would show up by now
      } finally {
        resumed.stop();
      }
      check(second.records(), later);
    }
  }

  private Pipeline pipeline(
      LocalKinesalite kinesalite, CollectingSink<KinesisRecord<byte[]>, Read> sink) {
    return Pipeline.from(
            Sources.at(kinesalite, A, false).stream(B)
                .startingPosition(StartingPosition.earliest())
                .build())
        .to(sink)
        .name("multi-stream")
        .parallelism(2)
        .checkpointInterval(Duration.ofMillis(500))
        .checkpointDirectory(dir.resolve("checkpoints"))
        .restartPolicy(RestartPolicy.none())
        .build();
  }

  /**
   * Every written record read exactly once, nothing else, with the stream and shard PutRecords
   * reported, and each shard's records in sequence-number order.
   */
  private static void check(List<Read> reads, Map<String, Written> written) {
    assertThat(reads)
        .extracting(Read::value)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(written.keySet());
    Map<String, BigInteger> lastPerShard = new HashMap<>();
    List<String> wrong = new ArrayList<>();
    for (Read read : reads) {
      Written where = written.get(read.value());
      if (!read.stream().equals(where.stream())
          || !read.shardId().equals(where.shardId())
          || !read.sequenceNumber().equals(where.sequenceNumber())) {
        wrong.add(read + " written as " + where);
      }
      String shard = read.stream() + "/" + read.shardId();
      BigInteger sequence = new BigInteger(read.sequenceNumber());
      BigInteger last = lastPerShard.put(shard, sequence);
      if (last != null && last.compareTo(sequence) >= 0) {
        wrong.add(read + " after sequence number " + last + " of " + shard);
      }
    }
    assertThat(wrong).as("records with wrong metadata or out of order").isEmpty();
    assertThat(lastPerShard.keySet())
        .as("every shard of both streams read")
        .containsExactlyInAnyOrder(
            A + "/shardId-000000000000", A + "/shardId-000000000001", B + "/shardId-000000000000");
  }

  /** Writes records "stream:from" to "stream:to - 1", with 20 partition keys, in one call. */
  private static void put(
      KinesisClient client, String stream, int from, int to, Map<String, Written> written) {
    List<PutRecordsRequestEntry> batch =
        IntStream.range(from, to)
            .mapToObj(
                i ->
                    PutRecordsRequestEntry.builder()
                        .partitionKey("key-" + i % 20)
                        .data(SdkBytes.fromUtf8String(stream + ":" + i))
                        .build())
            .toList();
    PutRecordsResponse response = client.putRecords(b -> b.streamName(stream).records(batch));
    assertThat(response.failedRecordCount()).as("failed puts").isIn(null, 0);
    for (int i = 0; i < batch.size(); i++) {
      PutRecordsResultEntry result = response.records().get(i);
      written.put(
          stream + ":" + (from + i),
          new Written(stream, result.shardId(), result.sequenceNumber()));
    }
  }

  private static Read read(KinesisRecord<byte[]> record) {
    return new Read(
        new String(record.value(), UTF_8),
        record.stream(),
        record.shardId(),
        record.sequenceNumber());
  }
}
