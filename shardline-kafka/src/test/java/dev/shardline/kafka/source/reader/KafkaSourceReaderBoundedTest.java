package dev.shardline.kafka.source.reader;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.ShardlineException;
import dev.shardline.format.RecordDecoder;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import dev.shardline.time.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reader of a bounded source: splits with stopping offsets, END_OF_INPUT. */
class KafkaSourceReaderBoundedTest {
  private static final TopicPartition P0 = new TopicPartition("orders", 0);
  private static final TopicPartition P1 = new TopicPartition("orders", 1);

  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("none");
  private final List<String> emitted = new ArrayList<>();
  private final ReaderOutput<String> output = emitted::add;
  private KafkaSourceReader<String, String> reader;

  private KafkaSourceReader<String, String> reader(boolean bounded) {
    TestReaderContext context = new TestReaderContext(Time.SYSTEM);
    RecordDecoder<String> decoder =
        RecordDecoder.builder(StringFormat.utf8()).source("kafka:orders").context(context).build();
    reader =
        new KafkaSourceReader<>(
            context,
            "kafka:orders",
            "topics [orders] reader 0",
            decoder,
            RecordEmitter.valueOnly(),
            () -> consumer,
            0,
            false,
            bounded ? "stoppingOffsets.type latest" : null,
            null);
    reader.start();
    return reader;
  }

  @AfterEach
  void close() throws Exception {
    if (reader != null) {
      reader.close();
    }
  }

  private void add(TopicPartition tp, long offset, String value) {
    consumer.addRecord(
        new ConsumerRecord<>(tp.topic(), tp.partition(), offset, null, value.getBytes(UTF_8)));
  }

  private void awaitPosition(TopicPartition tp, long offset) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!consumer.assignment().contains(tp) || consumer.position(tp) != offset) {
      assertThat(System.nanoTime()).as("%s at %d", tp, offset).isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  /** Polls until the reader returns {@code status}, waiting on isAvailable in between. */
  private void pollUntil(InputStatus status, int records) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      assertThat(System.nanoTime()).as("emitted %s", emitted).isLessThan(deadline);
      InputStatus got = reader.pollNext(output);
      if (got == status && emitted.size() >= records) {
        return;
      }
      assertThat(got).as("emitted %s", emitted).isNotEqualTo(InputStatus.END_OF_INPUT);
      if (got == InputStatus.NOTHING_AVAILABLE) {
        reader.isAvailable().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void recordsAtOrAfterTheStoppingOffsetAreNotEmittedAndTheReaderEnds() throws Exception {
    reader(true);
    reader.addSplits(List.of(new KafkaPartitionSplit("orders", 0, 5, 8)));
    awaitPosition(P0, 5);
    for (long offset = 5; offset < 10; offset++) {
      add(P0, offset, "r" + offset);
    }
    pollUntil(InputStatus.NOTHING_AVAILABLE, 3);
    assertThat(emitted).containsExactly("r5", "r6", "r7");
    // finished, but the enumerator may still assign splits: not the end yet
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    assertThat(reader.snapshotState(1)).containsExactly(new KafkaPartitionSplit("orders", 0, 8, 8));

    reader.notifyNoMoreSplits();
    assertThat(reader.isAvailable()).isDone();
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.END_OF_INPUT);
    assertThat(emitted).containsExactly("r5", "r6", "r7");
    // a finished split stays in the state, at its stopping offset
    assertThat(reader.snapshotState(2)).containsExactly(new KafkaPartitionSplit("orders", 0, 8, 8));
  }

  @Test
  void theConsumersPositionEndsAPartitionWhoseLastOffsetsHoldNoRecords() throws Exception {
    reader(true);
    reader.addSplits(List.of(new KafkaPartitionSplit("orders", 0, 0, 10)));
    reader.notifyNoMoreSplits();
    awaitPosition(P0, 0);
    add(P0, 0, "a");
    add(P0, 1, "b");
    pollUntil(InputStatus.NOTHING_AVAILABLE, 2);
    // offsets 2 to 9 are transaction markers and aborted records: the position moves past them
    // without a record (as a read_committed consumer's does)
    consumer.seek(P0, 10);
    pollUntil(InputStatus.END_OF_INPUT, 2);
    assertThat(emitted).containsExactly("a", "b");
    assertThat(reader.snapshotState(1))
        .containsExactly(new KafkaPartitionSplit("orders", 0, 10, 10));
    assertThat(consumer.paused()).containsExactly(P0);
  }

  @Test
  void aReaderWithoutSplitsEndsAtOnce() throws Exception {
    reader(true);
    reader.notifyNoMoreSplits();
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.END_OF_INPUT);
  }

  @Test
  void aReaderWaitingOnIsAvailableIsWokenWhenToldThereAreNoMoreSplits() throws Exception {
    // Flink polls a reader only once its isAvailable() future completes: a reader whose only
    // partition was empty never ended on Flink (the embedded runner polls at every checkpoint)
    reader(true);
    reader.addSplits(
        List.of(new KafkaPartitionSplit("orders", 1, KafkaPartitionSplit.EARLIEST, 0)));
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    var waiting = reader.isAvailable();

    reader.notifyNoMoreSplits();

    assertThat(waiting).isDone();
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.END_OF_INPUT);
  }

  @Test
  void emptySplitsAreFinishedWithoutReading() throws Exception {
    reader(true);
    reader.addSplits(
        List.of(
            new KafkaPartitionSplit("orders", 0, 7, 7),
            new KafkaPartitionSplit("orders", 1, KafkaPartitionSplit.EARLIEST, 0)));
    reader.notifyNoMoreSplits();
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.END_OF_INPUT);
    Thread.sleep(50);
    assertThat(consumer.assignment()).doesNotContain(P0, P1);
  }

  @Test
  void aBoundedReaderRefusesASplitWithoutStoppingOffset() {
    reader(true);
    assertThatThrownBy(() -> reader.addSplits(List.of(new KafkaPartitionSplit("orders", 0, 3))))
        .isInstanceOf(ShardlineException.class)
        .hasMessageStartingWith(
            "Partition orders-0 comes from the checkpoint of an unbounded Kafka source (no"
                + " stopping offset), but this source is bounded (stoppingOffsets.type latest)");
  }

  @Test
  void anUnboundedReaderReadsOnPastTheStoppingOffsetOfARestoredSplit() throws Exception {
    reader(false);
    reader.addSplits(List.of(new KafkaPartitionSplit("orders", 0, 0, 1)));
    awaitPosition(P0, 0);
    add(P0, 0, "a");
    add(P0, 1, "b");
    add(P0, 2, "c");
    pollUntil(InputStatus.NOTHING_AVAILABLE, 3);
    reader.notifyNoMoreSplits();
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    assertThat(emitted).containsExactly("a", "b", "c");
    assertThat(reader.snapshotState(1)).containsExactly(new KafkaPartitionSplit("orders", 0, 3));
  }
}
