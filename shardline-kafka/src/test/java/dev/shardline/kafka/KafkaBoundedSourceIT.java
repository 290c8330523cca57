package dev.shardline.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.Boundedness;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.config.IsolationLevel;
import dev.shardline.kafka.config.StartingOffsetsType;
import dev.shardline.kafka.config.StoppingOffsetsType;
import dev.shardline.kafka.source.KafkaSource;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.PipelineFailedException;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.kafka.KafkaTestData;
import dev.shardline.testkit.kafka.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded Kafka source ({@code stoppingOffsets}) on a real broker: pipelines that end by
 * themselves.
 */
class KafkaBoundedSourceIT {
  @RegisterExtension static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path dir;

  private static KafkaSource.Builder<String> bounded(LocalKafka kafka, String topic) {
    return KafkaSource.builder()
        .format(StringFormat.utf8())
        .bootstrapServers(kafka.bootstrapServers())
        .topics(topic)
        .stoppingOffsets(StoppingOffsetsType.LATEST);
  }

  private Pipeline pipeline(
      KafkaSource<String> source, CollectingSink<String> sink, String name, int parallelism) {
    return Pipeline.from(source)
        .to(sink)
        .name(name)
        .parallelism(parallelism)
        .checkpointInterval(Duration.ofMillis(200))
        .checkpointDirectory(dir.resolve(name))
        .restartPolicy(RestartPolicy.none())
        .build();
  }

  private static List<String> texts(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).collect(Collectors.toList());
  }

  /** Waits for the pipeline to end by itself: it must, since its source is bounded. */
  private static void awaitEnd(Pipeline pipeline) {
    boolean ended = pipeline.await(TIMEOUT);
    if (!ended) {
      pipeline.stop();
    }
    assertThat(ended).as("the bounded pipeline ended by itself within " + TIMEOUT).isTrue();
  }

  @Test
  void aBoundedPipelineEndsWithExactlyTheRecordsWrittenBeforeItStarted(LocalKafka kafka)
      throws Exception {
    kafka.createTopic("bounded", 4);
    KafkaTestData.produce(
        kafka, "bounded", 4000, i -> KafkaTestData.text("bounded", "k" + i, "before" + i));
    CollectingSink<String> sink = new CollectingSink<>();
    KafkaSource<String> source =
        bounded(kafka, "bounded").groupId("bounded-group").messagesPerSecond(2000).build();
    assertThat(source.boundedness()).isEqualTo(Boundedness.BOUNDED);
    Pipeline pipeline = pipeline(source, sink, "bounded", 2);
    pipeline.start();

    // once the source read its first record its stopping offsets are fixed: what is written now
    // is after them, to every partition, while the pipeline still reads (rate limited, >= 2 s)
    Await.until(TIMEOUT, () -> sink.size() > 0, () -> "nothing read");
    KafkaTestData.produce(
        kafka, "bounded", 2000, i -> KafkaTestData.text("bounded", "k" + i, "during" + i));
    assertThat(pipeline.isDone()).as("still reading while records were written").isFalse();
    awaitEnd(pipeline);

    assertThat(sink.records())
        .hasSize(4000)
        .containsExactlyInAnyOrderElementsOf(texts("before", 4000));
    // the final checkpoint's offsets were committed to the group: the stopping offsets
    Map<TopicPartition, OffsetAndMetadata> committed =
        kafka
            .adminClient()
            .listConsumerGroupOffsets("bounded-group")
            .partitionsToOffsetAndMetadata()
            .get();
    assertThat(committed).hasSize(4);
    assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
        .isEqualTo(4000);

    // run again on the final checkpoint: every partition is at its stopping offset already, so
    // it ends at once, reading none of the records written since
    CollectingSink<String> again = new CollectingSink<>();
    Pipeline rerun =
        pipeline(
            bounded(kafka, "bounded").groupId("bounded-group").messagesPerSecond(2000).build(),
            again,
            "bounded",
            2);
    rerun.start();
    awaitEnd(rerun);
    assertThat(again.records()).isEmpty();
  }

  @Test
  void aRestoreFromACheckpointMidwayEndsAtTheSameStoppingOffsets(LocalKafka kafka)
      throws Exception {
    kafka.createTopic("bounded-restore", 3);
    KafkaTestData.produce(
        kafka,
        "bounded-restore",
        3000,
        i -> KafkaTestData.text("bounded-restore", "k" + i, "before" + i));
    CollectingSink<String> sink = new CollectingSink<>();

    // the first run reads part of the records and is stopped (a final checkpoint)
    Pipeline first =
        pipeline(
            bounded(kafka, "bounded-restore").messagesPerSecond(1000).build(),
            sink,
            "bounded-restore",
            2);
    first.start();
    Await.until(TIMEOUT, () -> sink.size() >= 800, () -> "first run read " + sink.size());
    KafkaTestData.produce(
        kafka,
        "bounded-restore",
        1000,
        i -> KafkaTestData.text("bounded-restore", "k" + i, "during" + i));
    first.stop();
    int firstRun = sink.size();
    assertThat(firstRun).as("stopped midway").isBetween(800, 2999);

    // more records after the stop; the restored run still ends at the first start's offsets
    KafkaTestData.produce(
        kafka,
        "bounded-restore",
        1000,
        i -> KafkaTestData.text("bounded-restore", "k" + i, "after" + i));
    Pipeline second =
        pipeline(bounded(kafka, "bounded-restore").build(), sink, "bounded-restore", 2);
    second.start();
    awaitEnd(second);

    assertThat(sink.records())
        .hasSize(3000)
        .containsExactlyInAnyOrderElementsOf(texts("before", 3000));
  }

  @Test
  void aCrashMidwayRestoresAndStillEndsAtTheFirstStartsStoppingOffsets(LocalKafka kafka)
      throws Exception {
    kafka.createTopic("bounded-crash", 3);
    KafkaTestData.produce(
        kafka,
        "bounded-crash",
        3000,
        i -> KafkaTestData.text("bounded-crash", "k" + i, "before" + i));
    CollectingSink<String> sink = new CollectingSink<>();
    AtomicBoolean crashed = new AtomicBoolean();
    CountDownLatch crash = new CountDownLatch(1);
    Pipeline pipeline =
        Pipeline.from(bounded(kafka, "bounded-crash").messagesPerSecond(1000).build())
            .map(
                value -> {
                  if (crash.getCount() == 0 && crashed.compareAndSet(false, true)) {
                    throw new IllegalStateException("injected crash");
                  }
                  return value;
                })
            .to(sink)
            .name("bounded-crash")
            .parallelism(2)
            .checkpointInterval(Duration.ofMillis(200))
            .checkpointDirectory(dir.resolve("bounded-crash"))
            .restartPolicy(
                RestartPolicy.of(
                    2, new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.2)))
            .build();
    pipeline.start();
    Await.until(TIMEOUT, () -> sink.size() >= 1000, () -> "read " + sink.size());
    // written after the stopping offsets were resolved, before the crash and the restore
    KafkaTestData.produce(
        kafka,
        "bounded-crash",
        1000,
        i -> KafkaTestData.text("bounded-crash", "k" + i, "during" + i));
    crash.countDown();
    awaitEnd(pipeline);

    assertThat(crashed).isTrue();
    assertThat(pipeline.completedCheckpoints()).isPositive();
    // at least once into the collecting sink: records after the last checkpoint before the crash
    // arrive twice; nothing written during the run arrives at all
    assertThat(sink.records()).noneMatch(r -> r.startsWith("during"));
    assertThat(sink.records().stream().distinct())
        .containsExactlyInAnyOrderElementsOf(texts("before", 3000));
  }

  @Test
  void emptyPartitionsAndReadersWithoutPartitionsEndAtOnce(LocalKafka kafka) throws Exception {
    kafka.createTopic("bounded-sparse", 3);
    KafkaTestData.produce(
        kafka,
        "bounded-sparse",
        10,
        i -> new ProducerRecord<>("bounded-sparse", 1, null, ("r" + i).getBytes(UTF_8)));
    kafka.createTopic("bounded-empty", 2);

    // partitions 0 and 2 are empty; at parallelism 4 one reader owns no partition
    CollectingSink<String> sparse = new CollectingSink<>();
    Pipeline sparsePipeline =
        pipeline(bounded(kafka, "bounded-sparse").build(), sparse, "bounded-sparse", 4);
    sparsePipeline.start();
    awaitEnd(sparsePipeline);
    assertThat(sparse.records()).containsExactlyElementsOf(texts("r", 10));

    // an empty topic: nothing to read, the pipeline ends
    CollectingSink<String> empty = new CollectingSink<>();
    Pipeline emptyPipeline =
        pipeline(bounded(kafka, "bounded-empty").build(), empty, "bounded-empty", 2);
    emptyPipeline.start();
    awaitEnd(emptyPipeline);
    assertThat(empty.records()).isEmpty();

    // starting at the end: every partition is empty between start and stop
    CollectingSink<String> latest = new CollectingSink<>();
    Pipeline latestPipeline =
        pipeline(
            bounded(kafka, "bounded-sparse").startingOffsets(StartingOffsetsType.LATEST).build(),
            latest,
            "bounded-sparse-latest",
            2);
    latestPipeline.start();
    awaitEnd(latestPipeline);
    assertThat(latest.records()).isEmpty();
  }

  @Test
  void readCommittedEndsAfterTransactionMarkersAndDoesNotWaitForOpenTransactions(LocalKafka kafka)
      throws Exception {
    kafka.createTopic("bounded-txn", 1);
    Properties props = kafka.producerProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bounded-txn-test");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(KafkaTestData.text("bounded-txn", null, "committed-1"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(KafkaTestData.text("bounded-txn", null, "aborted"));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(KafkaTestData.text("bounded-txn", null, "committed-2"));
      producer.commitTransaction();
      // offsets: 0 committed-1, 1 marker, 2 aborted, 3 marker, 4 committed-2, 5 marker: the last
      // stable offset is 6 while the last record read is at 4, so only the consumer's position
      // can end the partition

      // a transaction left open while the pipeline runs: the last stable offset stays before it
      producer.beginTransaction();
      producer.send(KafkaTestData.text("bounded-txn", null, "open"));
      producer.flush();

      CollectingSink<String> committed = new CollectingSink<>();
      Pipeline pipeline =
          pipeline(
              bounded(kafka, "bounded-txn").isolationLevel(IsolationLevel.READ_COMMITTED).build(),
              committed,
              "bounded-txn",
              1);
      pipeline.start();
      awaitEnd(pipeline);
      assertThat(committed.records()).containsExactly("committed-1", "committed-2");
      producer.commitTransaction();
    }

    // read_uncommitted: the end offset includes the (now committed) open transaction
    CollectingSink<String> everything = new CollectingSink<>();
    Pipeline uncommitted =
        pipeline(bounded(kafka, "bounded-txn").build(), everything, "bounded-txn-ru", 1);
    uncommitted.start();
    awaitEnd(uncommitted);
    assertThat(everything.records())
        .containsExactly("committed-1", "aborted", "committed-2", "open");
  }

  @Test
  void aTimestampStopEndsBeforeTheFirstRecordAtOrAfterIt(LocalKafka kafka) throws Exception {
    kafka.createTopic("bounded-time", 2);
    long base = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
    // partition 0: records at base + 0..9 s; partition 1: records at base + 0, 2, 4 ... 18 s
    KafkaTestData.produce(
        kafka,
        "bounded-time",
        20,
        i ->
            i < 10
                ? new ProducerRecord<>(
                    "bounded-time", 0, base + i * 1000L, null, ("p0-" + i).getBytes(UTF_8))
                : new ProducerRecord<>(
                    "bounded-time",
                    1,
                    base + (i - 10) * 2000L,
                    null,
                    ("p1-" + (i - 10)).getBytes(UTF_8)));
    CollectingSink<String> sink = new CollectingSink<>();
    Pipeline pipeline =
        pipeline(
            KafkaSource.builder()
                .format(StringFormat.utf8())
                .bootstrapServers(kafka.bootstrapServers())
                .topics("bounded-time")
                .stoppingTimestamp(Instant.ofEpochMilli(base + 5000))
                .build(),
            sink,
            "bounded-time",
            2);
    pipeline.start();
    awaitEnd(pipeline);
    List<String> expected = new ArrayList<>(List.of("p0-0", "p0-1", "p0-2", "p0-3", "p0-4"));
    expected.addAll(List.of("p1-0", "p1-1", "p1-2"));
    assertThat(sink.records()).containsExactlyInAnyOrderElementsOf(expected);

    // a stop after every record: each partition ends at its end offset at the start
    CollectingSink<String> all = new CollectingSink<>();
    Pipeline later =
        pipeline(
            KafkaSource.builder()
                .format(StringFormat.utf8())
                .bootstrapServers(kafka.bootstrapServers())
                .topics("bounded-time")
                .stoppingTimestamp(Instant.ofEpochMilli(base + 60_000))
                .build(),
            all,
            "bounded-time-later",
            2);
    later.start();
    awaitEnd(later);
    assertThat(all.records()).hasSize(20);
  }

  @Test
  void aBoundedSourceRefusesTheCheckpointOfAnUnboundedOne(LocalKafka kafka) throws Exception {
    kafka.createTopic("bounded-switch", 1);
    KafkaTestData.produce(
        kafka, "bounded-switch", 5, i -> KafkaTestData.text("bounded-switch", null, "r" + i));
    CollectingSink<String> sink = new CollectingSink<>();
    Pipeline unbounded =
        pipeline(
            KafkaSource.builder()
                .format(StringFormat.utf8())
                .bootstrapServers(kafka.bootstrapServers())
                .topics("bounded-switch")
                .build(),
            sink,
            "bounded-switch",
            1);
    unbounded.start();
    Await.until(TIMEOUT, () -> sink.size() >= 5, () -> "read " + sink.size());
    unbounded.stop();

    Pipeline bounded =
        pipeline(bounded(kafka, "bounded-switch").build(), sink, "bounded-switch", 1);
    bounded.start();
    assertThatThrownBy(() -> bounded.await(TIMEOUT))
        .isInstanceOf(PipelineFailedException.class)
        .hasStackTraceContaining(
            "Partition bounded-switch-0 comes from the checkpoint of an unbounded Kafka source");
    assertThat(sink.records()).hasSize(5);
  }

  @Test
  void anUnboundedSourceReadsOnFromABoundedOnesCheckpoint(LocalKafka kafka) throws Exception {
    kafka.createTopic("bounded-then-on", 2);
    KafkaTestData.produce(
        kafka, "bounded-then-on", 100, i -> KafkaTestData.text("bounded-then-on", null, "a" + i));
    CollectingSink<String> sink = new CollectingSink<>();
    Pipeline backfill =
        pipeline(bounded(kafka, "bounded-then-on").build(), sink, "bounded-then-on", 2);
    backfill.start();
    awaitEnd(backfill);
    assertThat(sink.records()).hasSize(100);

    KafkaTestData.produce(
        kafka, "bounded-then-on", 50, i -> KafkaTestData.text("bounded-then-on", null, "b" + i));
    Pipeline live =
        pipeline(
            KafkaSource.builder()
                .format(StringFormat.utf8())
                .bootstrapServers(kafka.bootstrapServers())
                .topics("bounded-then-on")
                .build(),
            sink,
            "bounded-then-on",
            2);
    live.start();
    Await.until(TIMEOUT, () -> sink.size() >= 150, () -> "read " + sink.size());
    CompletableFuture.runAsync(live::stop).get();
    List<String> expected = texts("a", 100);
    expected.addAll(texts("b", 50));
    assertThat(sink.records()).containsExactlyInAnyOrderElementsOf(expected);
  }
}
