package dev.shardline.testkit.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Writes numbered records into a stream with PutRecords and reads every shard back. */
final class RoundTrip {
  static final int BATCH = 500;

  /** Where PutRecords put a record. */
  record Placement(String shardId, String sequenceNumber) {}

  /** A record as GetRecords returned it. */
  record ReadRecord(String shardId, String sequenceNumber, String partitionKey, String data) {}

  private RoundTrip() {}

  static String partitionKey(int i) {
    return "key-" + i;
  }

  static String data(int i) {
    return "record-" + i + "-" + "x".repeat(i % 64);
  }

  /** Writes records 0..count-1 in batches of 500, retrying only failed entries. */
  static Map<Integer, Placement> write(KinesisClient client, String stream, int count) {
    Map<Integer, Placement> placements = new HashMap<>();
    for (int start = 0; start < count; start += BATCH) {
      List<Integer> pending = new ArrayList<>();
      for (int i = start; i < Math.min(count, start + BATCH); i++) {
        pending.add(i);
      }
      for (int attempt = 1; !pending.isEmpty(); attempt++) {
        assertThat(attempt).as("PutRecords attempts for records from %d", start).isLessThan(10);
        List<PutRecordsRequestEntry> entries =
            pending.stream()
                .map(
                    i ->
                        PutRecordsRequestEntry.builder()
                            .partitionKey(partitionKey(i))
                            .data(SdkBytes.fromUtf8String(data(i)))
                            .build())
                .toList();
        PutRecordsResponse response = client.putRecords(b -> b.streamName(stream).records(entries));
        List<Integer> failed = new ArrayList<>();
        for (int j = 0; j < pending.size(); j++) {
          PutRecordsResultEntry result = response.records().get(j);
          if (result.errorCode() == null) {
            placements.put(
                pending.get(j), new Placement(result.shardId(), result.sequenceNumber()));
          } else {
            failed.add(pending.get(j));
          }
        }
        pending = failed;
      }
    }
    return placements;
  }

  /** Reads every shard from TRIM_HORIZON until it has returned {@code expected} records in all. */
  static Map<String, List<ReadRecord>> readAll(
      KinesisClient client, String stream, Map<String, Long> expectedPerShard, Duration timeout) {
    Map<String, List<ReadRecord>> byShard = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Shard shard : client.listShards(b -> b.streamName(stream)).shards()) {
      String shardId = shard.shardId();
      List<ReadRecord> read = new ArrayList<>();
      byShard.put(shardId, read);
      long expected = expectedPerShard.getOrDefault(shardId, 0L);
      String iterator = StreamContents.trimHorizonIterator(client, stream, shardId);
      while (read.size() < expected && iterator != null) {
        assertThat(System.nanoTime() - deadline)
            .as("time left to read shard %s (%d of %d read)", shardId, read.size(), expected)
            .isNegative();
        String current = iterator;
        GetRecordsResponse response =
            client.getRecords(b -> b.shardIterator(current).limit(10_000));
        for (Record record : response.records()) {
          read.add(
              new ReadRecord(
                  shardId,
                  record.sequenceNumber(),
                  record.partitionKey(),
                  new String(record.data().asByteArray(), StandardCharsets.UTF_8)));
        }
        iterator = response.nextShardIterator();
      }
      if (iterator != null) {
        String last = iterator;
        assertThat(client.getRecords(b -> b.shardIterator(last)).records())
            .as("records in %s past the %d expected", shardId, expected)
            .isEmpty();
      }
    }
    return byShard;
  }

  /**
   * Asserts that every written record was read exactly once, with its data and partition key, on
   * the shard and with the sequence number PutRecords reported, and that each shard returned its
   * records in sequence-number order, which is the order they were written in.
   */
  static void assertReadBack(
      Map<Integer, Placement> written, Map<String, List<ReadRecord>> readByShard, int count) {
    assertThat(written).hasSize(count);
    Map<String, Integer> indexBySequence = new HashMap<>();
    written.forEach((i, placement) -> indexBySequence.put(placement.sequenceNumber(), i));
    assertThat(indexBySequence).as("distinct sequence numbers").hasSize(count);

    int total = 0;
    for (Map.Entry<String, List<ReadRecord>> shard : readByShard.entrySet()) {
      BigInteger previousSequence = BigInteger.valueOf(-1);
      int previousIndex = -1;
      for (ReadRecord record : shard.getValue()) {
        Integer i = indexBySequence.get(record.sequenceNumber());
        assertThat(i).as("written index of %s", record).isNotNull();
        assertThat(record.partitionKey()).isEqualTo(partitionKey(i));
        assertThat(record.data()).isEqualTo(data(i));
        assertThat(record.shardId()).isEqualTo(written.get(i).shardId());
        BigInteger sequence = new BigInteger(record.sequenceNumber());
        assertThat(sequence)
            .as("sequence order in %s", shard.getKey())
            .isGreaterThan(previousSequence);
        assertThat(i).as("write order in %s", shard.getKey()).isGreaterThan(previousIndex);
        previousSequence = sequence;
        previousIndex = i;
        total++;
      }
    }
    assertThat(total).as("records read in all").isEqualTo(count);
  }

  /**
   * Writes {@code count} records into {@code stream} in batches of 500, reads every shard back, and
   * asserts that each of the stream's {@code shards} shards had some and that every record came
   * back exactly once, intact, in per-shard order ({@link #assertReadBack}).
   */
  static void assertRoundTrip(KinesisClient client, String stream, int shards, int count) {
    Map<Integer, Placement> written = write(client, stream, count);
    Map<String, List<ReadRecord>> read =
        readAll(client, stream, countPerShard(written), Duration.ofMinutes(2));
    assertThat(read).hasSize(shards);
    assertThat(read.values()).allSatisfy(records -> assertThat(records).isNotEmpty());
    assertReadBack(written, read, count);
  }

  static Map<String, Long> countPerShard(Map<Integer, Placement> written) {
    Map<String, Long> counts = new HashMap<>();
    written.values().forEach(p -> counts.merge(p.shardId(), 1L, Long::sum));
    return counts;
  }
}
