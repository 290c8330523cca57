package dev.shardline.kafka.source.reader;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.ShardlineException;
import dev.shardline.format.BadDataPolicy;
import dev.shardline.format.BadRecordException;
import dev.shardline.format.RecordDecoder;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import dev.shardline.metrics.MetricNames;
import dev.shardline.time.ManualTime;
import dev.shardline.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaSourceReaderTest {
  private static final TopicPartition P0 = new TopicPartition("orders", 0);
  private static final TopicPartition P1 = new TopicPartition("orders", 1);

  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("none");
  private final List<String> emitted = new ArrayList<>();
  private final ReaderOutput<String> output = emitted::add;
  private KafkaSourceReader<String, String> reader;
  private TestReaderContext context;

  private KafkaSourceReader<String, String> reader(Time time, BadDataPolicy policy, double rate) {
    context = new TestReaderContext(time);
    RecordDecoder<String> decoder =
        RecordDecoder.builder(StringFormat.utf8())
            .policy(policy)
            .source("kafka:orders")
            .context(context)
            .build();
    reader =
        new KafkaSourceReader<>(
            context,
            "kafka:orders",
            "topics [orders] reader 0",
            decoder,
            RecordEmitter.valueOnly(),
            () -> consumer,
            rate,
            true);
    reader.start();
    return reader;
  }

  @AfterEach
  void close() throws Exception {
    if (reader != null) {
      reader.close();
    }
  }

  private void awaitAssigned(TopicPartition... partitions) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!consumer.assignment().containsAll(List.of(partitions))) {
      assertThat(System.nanoTime()).as("assigned %s", List.of(partitions)).isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  private void add(TopicPartition tp, long offset, String value) {
    consumer.addRecord(
        new ConsumerRecord<>(
            tp.topic(),
            tp.partition(),
            offset,
            null,
            value == null ? null : value.getBytes(UTF_8)));
  }

  private void addAt(TopicPartition tp, long offset, String value, long timestamp) {
    consumer.addRecord(
        new ConsumerRecord<>(
            tp.topic(),
            tp.partition(),
            offset,
            timestamp,
            org.apache.kafka.common.record.TimestampType.CREATE_TIME,
            -1,
            value.length(),
            null,
            value.getBytes(UTF_8),
            new org.apache.kafka.common.header.internals.RecordHeaders(),
            java.util.Optional.empty()));
  }

  /** Polls until {@code n} records were emitted, waiting on isAvailable in between. */
  private void pollUntil(int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (emitted.size() < n) {
      assertThat(System.nanoTime()).as("emitted %s", emitted).isLessThan(deadline);
      if (reader.pollNext(output) == InputStatus.NOTHING_AVAILABLE && emitted.size() < n) {
        reader.isAvailable().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void readsFromTheSplitOffsetsAndSnapshotsTheOffsetAfterTheLastEmittedRecord() throws Exception {
    reader(Time.SYSTEM, BadDataPolicy.FAIL, 0);
    consumer.updateBeginningOffsets(Map.of(P1, 0L));
    assertThat(reader.snapshotState(1)).isEmpty();
    reader.addSplits(
        List.of(
            new KafkaPartitionSplit("orders", 0, 5),
            new KafkaPartitionSplit("orders", 1, KafkaPartitionSplit.EARLIEST)));
    assertThat(reader.snapshotState(2))
        .containsExactly(
            new KafkaPartitionSplit("orders", 0, 5),
            new KafkaPartitionSplit("orders", 1, KafkaPartitionSplit.EARLIEST));
    awaitAssigned(P0, P1);
    add(P0, 5, "a");
    add(P0, 6, "b");
    add(P1, 0, "c");
    pollUntil(3);
    assertThat(emitted).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(reader.snapshotState(3))
        .containsExactly(
            new KafkaPartitionSplit("orders", 0, 7), new KafkaPartitionSplit("orders", 1, 1));
    assertThat(recordsOf("orders-0")).isEqualTo(2);
    assertThat(recordsOf("orders-1")).isEqualTo(1);
  }

  private double recordsOf(String split) {
    return context.metrics.get(MetricNames.SOURCE_RECORDS).tag("split", split).counter().count();
  }

  private double gauge(String name, String split) {
    return context.metrics.get(name).tag("split", split).gauge().value();
  }

  @Test
  void eachPartitionReportsItsRecordsAndHowFarBehindItsEndItIs() throws Exception {
    // a partition's lag on the status page: records behind its end, and time behind while any is
    ManualTime time = new ManualTime(10_000);
    reader(time, BadDataPolicy.FAIL, 0);
    reader.addSplits(List.of(new KafkaPartitionSplit("orders", 0, 0)));
    awaitAssigned(P0);

    consumer.updateEndOffsets(Map.of(P0, 3L));
    addAt(P0, 0, "a", 4_000);
    pollUntil(1);
    awaitLagRecords("orders-0", 2);
    // records behind: now (10 s) minus the last emitted record's timestamp (4 s)
    assertThat(gauge(MetricNames.SOURCE_LAG_MILLIS, "orders-0")).isEqualTo(6_000);

    addAt(P0, 1, "b", 5_000);
    addAt(P0, 2, "c", 6_000);
    pollUntil(3);
    awaitLagRecords("orders-0", 0);
    assertThat(gauge(MetricNames.SOURCE_LAG_MILLIS, "orders-0")).isZero();
    assertThat(recordsOf("orders-0")).isEqualTo(3);

    reader.close();
    assertThat(context.metrics.find(MetricNames.SOURCE_RECORDS).meters()).isEmpty();
    reader = null;
  }

  private void awaitLagRecords(String split, double expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gauge(KafkaSourceReader.LAG_RECORDS, split) != expected) {
      assertThat(System.nanoTime())
          .as("lag of %s: %s", split, gauge(KafkaSourceReader.LAG_RECORDS, split))
          .isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void isAvailableCompletesWhenTheFetchThreadHandsOverABatch() throws Exception {
    reader(Time.SYSTEM, BadDataPolicy.FAIL, 0);
    reader.addSplits(List.of(new KafkaPartitionSplit("orders", 0, 0)));
    awaitAssigned(P0);
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    CompletableFuture<Void> available = reader.isAvailable();
    assertThat(available).isNotDone();
    add(P0, 0, "x");
    available.get(10, TimeUnit.SECONDS);
    pollUntil(1);
    assertThat(emitted).containsExactly("x");
  }

  @Test
  void aCompletedCheckpointCommitsItsOffsetsToTheGroup() throws Exception {
    reader(Time.SYSTEM, BadDataPolicy.FAIL, 0);
    reader.addSplits(List.of(new KafkaPartitionSplit("orders", 0, 0)));
    awaitAssigned(P0);
    add(P0, 0, "x");
    add(P0, 1, "y");
    pollUntil(2);
    reader.snapshotState(4);
    reader.notifyCheckpointComplete(4);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (consumer.committed(Set.of(P0)).get(P0) == null) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(5);
    }
    assertThat(consumer.committed(Set.of(P0))).containsEntry(P0, new OffsetAndMetadata(2));
  }

  @Test
  void aBadRecordUnderPolicyFailNamesItsCoordinatesAndIsNotPassed() throws Exception {
    reader(Time.SYSTEM, BadDataPolicy.FAIL, 0);
    reader.addSplits(List.of(new KafkaPartitionSplit("orders", 0, 0)));
    awaitAssigned(P0);
    add(P0, 0, "good");
    consumer.addRecord(new ConsumerRecord<>("orders", 0, 1, null, new byte[] {(byte) 0xff}));
    assertThatThrownBy(() -> pollUntil(3))
        .isInstanceOf(BadRecordException.class)
        .hasMessageStartingWith(
            "Cannot deserialize the record at topic=orders partition=0 offset=1 with format string");
    assertThat(emitted).containsExactly("good");
    assertThat(reader.snapshotState(1)).containsExactly(new KafkaPartitionSplit("orders", 0, 1));
  }

  @Test
  void deadLettersCarryTopicPartitionAndOffset() throws Exception {
    reader(Time.SYSTEM, BadDataPolicy.DEAD_LETTER, 0);
    reader.addSplits(List.of(new KafkaPartitionSplit("orders", 1, 0)));
    awaitAssigned(P1);
    consumer.addRecord(new ConsumerRecord<>("orders", 1, 0, null, new byte[] {(byte) 0xff}));
    add(P1, 1, "ok");
    pollUntil(1);
    assertThat(emitted).containsExactly("ok");
    assertThat(context.deadLetters)
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.coordinates())
                    .isEqualTo(Map.of("topic", "orders", "partition", "1", "offset", "0")));
    assertThat(reader.snapshotState(1)).containsExactly(new KafkaPartitionSplit("orders", 1, 2));
  }

  @Test
  void aConsumerFailureSurfacesInPollNextNamingWhatItReads() throws Exception {
    reader(Time.SYSTEM, BadDataPolicy.FAIL, 0);
    reader.addSplits(List.of(new KafkaPartitionSplit("orders", 0, 0)));
    awaitAssigned(P0);
    consumer.setPollException(new KafkaException("boom"));
    reader.isAvailable().get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> reader.pollNext(output))
        .isInstanceOf(ShardlineException.class)
        .hasMessage("Reading topics [orders] reader 0 failed: KafkaException: boom");
  }

  @Test
  void theRateLimitHoldsRecordsBackWithoutBlocking() throws Exception {
    // One record per 10 s of the manual clock. The bucket is read on the manual clock, but the
    // future isAvailable() returns while the bucket is empty completes after that delay in real
    // time: at 10 s, no pause of a busy machine completes it before the check below (at 10/s, a
    // 100 ms pause did).
    ManualTime time = new ManualTime();
    reader(time, BadDataPolicy.FAIL, 0.1);
    reader.addSplits(List.of(new KafkaPartitionSplit("orders", 0, 0)));
    awaitAssigned(P0);
    for (int i = 0; i < 50; i++) {
      add(P0, i, "r" + i);
    }
    reader.isAvailable().get(10, TimeUnit.SECONDS);
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    assertThat(emitted).isEmpty();
    assertThat(reader.isAvailable()).as("waits for the bucket").isNotDone();
    // 200 s of the manual clock, in steps of one record. The records reach the reader in batches
    // queued by its fetch thread, which may lag behind on a busy machine: each step polls (in real
    // time) until its one record came rather than assuming it was already queued, and a record
    // more than the clock allows fails the test.
    for (int step = 1; step <= 20; step++) {
      time.advance(Duration.ofSeconds(10));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (emitted.size() < step) {
        assertThat(System.nanoTime()).as("record %d emitted", step).isLessThan(deadline);
        if (reader.pollNext(output) == InputStatus.NOTHING_AVAILABLE && emitted.size() < step) {
          Thread.sleep(1); // a batch still to come from the fetch thread
        }
      }
      assertThat(emitted).as("after %d s", step * 10).hasSize(step);
    }
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    assertThat(emitted).hasSize(20);
    assertThat(reader.snapshotState(1)).containsExactly(new KafkaPartitionSplit("orders", 0, 20));
  }

  @Test
  void aNullValueIsDecodedAsEmptyBytes() throws Exception {
    reader(Time.SYSTEM, BadDataPolicy.FAIL, 0);
    reader.addSplits(List.of(new KafkaPartitionSplit("orders", 0, 0)));
    awaitAssigned(P0);
    add(P0, 0, null);
    pollUntil(1);
    assertThat(emitted).containsExactly("");
  }
}
