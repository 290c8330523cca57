package dev.shardline.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.api.DeadLetter;
import dev.shardline.format.BadDataPolicy;
import dev.shardline.format.BadRecordException;
import dev.shardline.format.JsonFormat;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.config.IsolationLevel;
import dev.shardline.kafka.config.MetadataField;
import dev.shardline.kafka.config.OffsetReset;
import dev.shardline.kafka.config.StartingOffsetsType;
import dev.shardline.kafka.source.KafkaHeader;
import dev.shardline.kafka.source.KafkaRecord;
import dev.shardline.kafka.source.KafkaSource;
import dev.shardline.metrics.MetricNames;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.PipelineFailedException;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.kafka.KafkaTestData;
import dev.shardline.testkit.kafka.LocalKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka source on a real broker, in pipelines on the embedded runner. */
class KafkaSourceIT {
  @RegisterExtension static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** Every pipeline a test builds, stopped after it even when an assertion failed mid-way. */
  private final List<Pipeline> pipelines = new ArrayList<>();

  @AfterEach
  void stopPipelines() {
    for (Pipeline pipeline : pipelines) {
      try {
        pipeline.stop();
      } catch (RuntimeException e) {
        // the test has already failed or asserted this failure
      }
    }
  }

  private Pipeline track(Pipeline pipeline) {
    pipelines.add(pipeline);
    return pipeline;
  }

  private KafkaSource.Builder<String> strings(LocalKafka kafka, String topic) {
    return KafkaSource.builder()
        .format(StringFormat.utf8())
        .bootstrapServers(kafka.bootstrapServers())
        .topics(topic);
  }

  private <T> Pipeline pipeline(
      KafkaSource<T> source, CollectingSink<? super T> sink, String name) {
    return track(
        Pipeline.from(source)
            .to(sink)
            .name(name)
            .parallelism(2)
            .checkpointInterval(Duration.ofMillis(200))
            .checkpointDirectory(dir.resolve(name))
            .restartPolicy(RestartPolicy.none())
            .build());
  }

  @Test
  void aRestoreContinuesRightAfterTheLastRecordAndOffsetsAreCommittedToTheGroup(LocalKafka kafka)
      throws Exception {
    kafka.createTopic("restore", 3);
    KafkaTestData.produce(
        kafka, "restore", 3000, i -> KafkaTestData.text("restore", "k" + i, "a" + i));
    CollectingSink<String> sink = new CollectingSink<>();

    // a first run reads everything and stops gracefully (a final checkpoint)
    Pipeline first =
        pipeline(strings(kafka, "restore").groupId("restore-group").build(), sink, "restore");
    first.start();
    Await.until(TIMEOUT, () -> sink.size() >= 3000, () -> "first run read " + sink.size());
    first.stop();

    // the group's offsets are the checkpoint's: the end of every partition
    Map<TopicPartition, OffsetAndMetadata> committed =
        kafka
            .adminClient()
            .listConsumerGroupOffsets("restore-group")
            .partitionsToOffsetAndMetadata()
            .get();
    assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
        .isEqualTo(3000);

    // a second run from the checkpoint reads only what was written since
    KafkaTestData.produce(
        kafka, "restore", 2000, i -> KafkaTestData.text("restore", "k" + i, "b" + i));
    Pipeline second =
        pipeline(strings(kafka, "restore").groupId("restore-group").build(), sink, "restore");
    second.start();
    Await.until(
        TIMEOUT, () -> sink.size() >= 5000, () -> "second run read " + (sink.size() - 3000));
    second.stop();

    List<String> expected = new ArrayList<>();
    IntStream.range(0, 3000).forEach(i -> expected.add("a" + i));
    IntStream.range(0, 2000).forEach(i -> expected.add("b" + i));
    assertThat(sink.records()).hasSize(5000).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void partitionsAddedWhileRunningArePickedUpFromTheirFirstRecord(LocalKafka kafka)
      throws Exception {
    kafka.createTopic("grow", 2);
    KafkaTestData.produce(
        kafka,
        "grow",
        100,
        i -> new ProducerRecord<>("grow", i % 2, null, ("old" + i).getBytes(UTF_8)));
    CollectingSink<String> sink = new CollectingSink<>();
    Pipeline pipeline =
        pipeline(
            strings(kafka, "grow")
                .discoveryInterval(Duration.ofMillis(300))
                .startingOffsets(StartingOffsetsType.EARLIEST)
                .build(),
            sink,
            "grow");
    pipeline.start();
    Await.until(TIMEOUT, () -> sink.size() >= 100, () -> "read " + sink.size());

    kafka.addPartitions("grow", 5);
    // written before the source finds the new partitions: read all the same (from earliest)
    KafkaTestData.produce(
        kafka,
        "grow",
        300,
        i -> new ProducerRecord<>("grow", 2 + i % 3, null, ("new" + i).getBytes(UTF_8)));
    Await.until(TIMEOUT, () -> sink.size() >= 400, () -> "read " + sink.size());
    pipeline.stop();

    List<String> records = sink.records();
    assertThat(records).hasSize(400).doesNotHaveDuplicates();
    assertThat(records.stream().filter(r -> r.startsWith("new"))).hasSize(300);
  }

  @Test
  void aTopicPatternPicksUpTopicsCreatedWhileRunning(LocalKafka kafka) throws Exception {
    kafka.createTopic("pattern-a", 1);
    KafkaTestData.produce(
        kafka, "pattern-a", 10, i -> KafkaTestData.text("pattern-a", null, "a" + i));
    CollectingSink<String> sink = new CollectingSink<>();
    Pipeline pipeline =
        pipeline(
            KafkaSource.builder()
                .format(StringFormat.utf8())
                .bootstrapServers(kafka.bootstrapServers())
                .topicPattern("pattern-.*")
                .discoveryInterval(Duration.ofMillis(300))
                .build(),
            sink,
            "pattern");
    pipeline.start();
    Await.until(TIMEOUT, () -> sink.size() >= 10, () -> "read " + sink.records());
    kafka.createTopic("pattern-b", 2);
    kafka.createTopic("other", 1);
    KafkaTestData.produce(
        kafka, "pattern-b", 10, i -> KafkaTestData.text("pattern-b", null, "b" + i));
    KafkaTestData.produce(kafka, "other", 10, i -> KafkaTestData.text("other", null, "x" + i));
    Await.until(TIMEOUT, () -> sink.size() >= 20, () -> "read " + sink.records());
    pipeline.stop();
    assertThat(sink.records()).hasSize(20).allMatch(r -> r.startsWith("a") || r.startsWith("b"));
  }

  @Test
  void pickedMetadataFieldsComeWithEachValue(LocalKafka kafka) throws Exception {
    kafka.createTopic("meta", 1);
    long before = System.currentTimeMillis();
    Properties props = kafka.producerProperties();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>("meta", 0, "key-1".getBytes(UTF_8), "{\"n\":1}".getBytes(UTF_8));
      record.headers().add(new RecordHeader("trace", "abc".getBytes(UTF_8)));
      record.headers().add(new RecordHeader("trace", "def".getBytes(UTF_8)));
      producer.send(record).get();
      producer.send(new ProducerRecord<>("meta", 0, null, "{\"n\":2}".getBytes(UTF_8))).get();
    }
    CollectingSink<KafkaRecord<JsonNode>> all = new CollectingSink<>();
    KafkaSource<KafkaRecord<JsonNode>> source =
        KafkaSource.builder()
            .format(JsonFormat.forJsonNode())
            .bootstrapServers(kafka.bootstrapServers())
            .topics("meta")
            .metadataFields(MetadataField.values())
            .buildWithMetadata();
    Pipeline pipeline = pipeline(source, all, "meta");
    pipeline.start();
    Await.until(TIMEOUT, () -> all.size() >= 2, () -> "read " + all.size());
    pipeline.stop();

    KafkaRecord<JsonNode> first = all.records().get(0);
    assertThat(first.value().get("n").asInt()).isEqualTo(1);
    assertThat(first.topic()).isEqualTo("meta");
    assertThat(first.partition()).isZero();
    assertThat(first.offset()).isZero();
    assertThat(first.timestamp()).isBetween(before, System.currentTimeMillis());
    assertThat(first.keyAsString()).isEqualTo("key-1");
    assertThat(first.headers())
        .containsExactly(
            new KafkaHeader("trace", "abc".getBytes(UTF_8)),
            new KafkaHeader("trace", "def".getBytes(UTF_8)));
    KafkaRecord<JsonNode> second = all.records().get(1);
    assertThat(second.offset()).isEqualTo(1);
    assertThat(second.key()).isNull();
    assertThat(second.headers()).isEmpty();

    // only the picked fields: the others stay null
    CollectingSink<KafkaRecord<JsonNode>> some = new CollectingSink<>();
    Pipeline picked =
        pipeline(
            KafkaSource.builder()
                .format(JsonFormat.forJsonNode())
                .bootstrapServers(kafka.bootstrapServers())
                .topics("meta")
                .metadataFields(MetadataField.OFFSET, MetadataField.KEY)
                .buildWithMetadata(),
            some,
            "meta-some");
    picked.start();
    Await.until(TIMEOUT, () -> some.size() >= 2, () -> "read " + some.size());
    picked.stop();
    KafkaRecord<JsonNode> r = some.records().get(0);
    assertThat(r.offset()).isZero();
    assertThat(r.keyAsString()).isEqualTo("key-1");
    assertThat(r.topic()).isNull();
    assertThat(r.partition()).isNull();
    assertThat(r.timestamp()).isNull();
    assertThat(r.headers()).isNull();
  }

  private void produceWithOneMalformed(LocalKafka kafka, String topic) throws Exception {
    kafka.createTopic(topic, 1);
    KafkaTestData.produce(
        kafka,
        topic,
        5,
        i -> KafkaTestData.text(topic, null, i == 2 ? "{not json" : "{\"n\":" + i + "}"));
  }

  @Test
  void aMalformedRecordFailsThePipelineNamingTopicPartitionAndOffset(LocalKafka kafka)
      throws Exception {
    produceWithOneMalformed(kafka, "bad-fail");
    CollectingSink<JsonNode> sink = new CollectingSink<>();
    Pipeline pipeline =
        pipeline(
            KafkaSource.builder()
                .format(JsonFormat.forJsonNode())
                .bootstrapServers(kafka.bootstrapServers())
                .topics("bad-fail")
                .build(),
            sink,
            "bad-fail");
    pipeline.start();
    assertThatThrownBy(() -> pipeline.await(TIMEOUT))
        .isInstanceOf(PipelineFailedException.class)
        .hasRootCauseInstanceOf(com.fasterxml.jackson.core.JsonParseException.class)
        .satisfies(
            e -> {
              Throwable bad = e;
              while (!(bad instanceof BadRecordException)) {
                bad = bad.getCause();
              }
              assertThat(bad.getMessage())
                  .startsWith(
                      "Cannot deserialize the record at topic=bad-fail partition=0 offset=2");
            });
    assertThat(sink.records()).extracting(n -> n.get("n").asInt()).containsExactly(0, 1);
  }

  @Test
  void aMalformedRecordIsDroppedAndCounted(LocalKafka kafka) throws Exception {
    produceWithOneMalformed(kafka, "bad-drop");
    CollectingSink<JsonNode> sink = new CollectingSink<>();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    Pipeline pipeline =
        track(
            Pipeline.from(
                    KafkaSource.builder()
                        .format(JsonFormat.forJsonNode())
                        .bootstrapServers(kafka.bootstrapServers())
                        .topics("bad-drop")
                        .option("badData.policy", "drop")
                        .build())
                .to(sink)
                .name("bad-drop")
                .checkpointDirectory(dir.resolve("bad-drop"))
                .metrics(metrics)
                .build());
    pipeline.start();
    Await.until(TIMEOUT, () -> sink.size() >= 4, () -> "read " + sink.size());
    pipeline.stop();
    assertThat(sink.records()).extracting(n -> n.get("n").asInt()).containsExactly(0, 1, 3, 4);
    assertThat(metrics.find(MetricNames.RECORDS_DROPPED).counter().count()).isEqualTo(1.0);
  }

  @Test
  void aMalformedRecordGoesToTheDeadLetterSinkWithItsCoordinates(LocalKafka kafka)
      throws Exception {
    produceWithOneMalformed(kafka, "bad-dlq");
    CollectingSink<JsonNode> sink = new CollectingSink<>();
    CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
    Pipeline pipeline =
        track(
            Pipeline.from(
                    KafkaSource.builder()
                        .format(JsonFormat.forJsonNode())
                        .bootstrapServers(kafka.bootstrapServers())
                        .topics("bad-dlq")
                        .option("badData.policy", BadDataPolicy.DEAD_LETTER)
                        .build())
                .to(sink)
                .deadLetterTo(deadLetters)
                .name("bad-dlq")
                .checkpointDirectory(dir.resolve("bad-dlq"))
                .build());
    pipeline.start();
    Await.until(TIMEOUT, () -> sink.size() >= 4, () -> "read " + sink.size());
    pipeline.stop();
    assertThat(sink.records()).extracting(n -> n.get("n").asInt()).containsExactly(0, 1, 3, 4);
    assertThat(deadLetters.records()).hasSize(1);
    DeadLetter dead = deadLetters.records().get(0);
    assertThat(new String(dead.payload(), UTF_8)).isEqualTo("{not json");
    assertThat(dead.coordinates())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("topic", "bad-dlq", "partition", "0", "offset", "2"));
    assertThat(dead.error()).startsWith("JsonParseException");
  }

  @Test
  void theRateLimitIsNeverExceededAndHoldsOverTenSecondsOfSteadyState(LocalKafka kafka)
      throws Exception {
    // Issue 6: the rate limit holds, i.e. the rate measured over 10 s is within 10% of the limit.
    // The limit is low enough for any machine to reach, and the topic holds twice what the source
    // may read by the end of the window, so the limiter (not the machine) sets the pace the whole
    // time. Two checks on the test's own clock:
    // - upper bound from the start: each reader's bucket starts empty and refills at its share of
    //   the limit, so by any moment the records read are at most limit x the seconds elapsed;
    // - steady state: from 2 s to 12 s after the first record, the rate is within 10% of the limit.
    double limit = 500;
    double windowStart = 2;
    double windowEnd = 12;
    int count = (int) (2 * limit * windowEnd); // 12,000: the limiter binds through the window
    kafka.createTopic("rate", 6);
    KafkaTestData.produce(kafka, "rate", count, i -> KafkaTestData.text("rate", "k" + i, "r" + i));
    CollectingSink<String> sink = new CollectingSink<>();
    Pipeline pipeline =
        pipeline(strings(kafka, "rate").messagesPerSecond(limit).build(), sink, "rate");
    long startNanos = System.nanoTime();
    pipeline.start();
    double worstExcess = Double.NEGATIVE_INFINITY;
    String worst = "";
    long firstRecordNanos = -1;
    long windowStartNanos = -1;
    int windowStartRead = -1;
    long windowEndNanos;
    int windowEndRead;
    try {
      long deadline = startNanos + TIMEOUT.toNanos();
      while (true) {
        int read = sink.size(); // read before the clock: the upper bound is then conservative
        long now = System.nanoTime();
        double seconds = (now - startNanos) / 1e9;
        double excess = read - limit * seconds;
        if (excess > worstExcess) {
          worstExcess = excess;
          worst = String.format("%d records read %.3f s after the start", read, seconds);
        }
        if (firstRecordNanos < 0 && read > 0) {
          firstRecordNanos = now;
        }
        if (firstRecordNanos >= 0) {
          double sinceFirst = (now - firstRecordNanos) / 1e9;
          if (windowStartNanos < 0 && sinceFirst >= windowStart) {
            windowStartNanos = now;
            windowStartRead = read;
          }
          if (sinceFirst >= windowEnd) {
            windowEndNanos = now;
            windowEndRead = read;
            break;
          }
        }
        assertThat(read)
            .as("the topic still has records to read: the limiter, not the data, sets the pace")
            .isLessThan(count);
        assertThat(now)
            .as("%.0f s of records read within %s (read %d)", windowEnd, TIMEOUT, read)
            .isLessThan(deadline);
        Thread.sleep(20);
      }
    } finally {
      pipeline.stop();
    }
    double windowSeconds = (windowEndNanos - windowStartNanos) / 1e9;
    double measured = (windowEndRead - windowStartRead) / windowSeconds;
    System.out.printf(
        "rate limit %.0f/s: %d records in %.2f s of steady state = %.1f/s (%+.1f%%);"
            + " worst excess over the bound %.1f records%n",
        limit,
        windowEndRead - windowStartRead,
        windowSeconds,
        measured,
        100 * (measured - limit) / limit,
        worstExcess);
    assertThat(worstExcess).as("records read beyond the limit, worst at " + worst).isLessThan(1);
    assertThat(measured)
        .as(
            "records per second from %.0f s to %.0f s after the first record",
            windowStart, windowEnd)
        .isBetween(0.9 * limit, 1.1 * limit);
    assertThat(sink.records()).doesNotHaveDuplicates();
  }

  @Test
  void readCommittedSkipsAbortedTransactions(LocalKafka kafka) throws Exception {
    kafka.createTopic("txn", 1);
    Properties props = kafka.producerProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "txn-test");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(KafkaTestData.text("txn", null, "committed-1"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(KafkaTestData.text("txn", null, "aborted"));
      producer.flush(); // written, then aborted
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(KafkaTestData.text("txn", null, "committed-2"));
      producer.commitTransaction();
    }
    CollectingSink<String> committed = new CollectingSink<>();
    CollectingSink<String> everything = new CollectingSink<>();
    Pipeline readCommitted =
        pipeline(
            strings(kafka, "txn").isolationLevel(IsolationLevel.READ_COMMITTED).build(),
            committed,
            "txn-rc");
    Pipeline readUncommitted = pipeline(strings(kafka, "txn").build(), everything, "txn-ru");
    readCommitted.start();
    readUncommitted.start();
    Await.until(
        TIMEOUT,
        () -> committed.size() >= 2 && everything.size() >= 3,
        () -> committed.records() + " " + everything.records());
    readCommitted.stop();
    readUncommitted.stop();
    assertThat(committed.records()).containsExactly("committed-1", "committed-2");
    assertThat(everything.records()).containsExactly("committed-1", "aborted", "committed-2");
  }

  @Test
  void startingOffsetsLatestTimestampAndCommittedStartWhereTold(LocalKafka kafka) throws Exception {
    kafka.createTopic("start", 1);
    KafkaTestData.produce(kafka, "start", 10, i -> KafkaTestData.text("start", null, "old" + i));
    Thread.sleep(20);
    Instant middle = Instant.now();
    Thread.sleep(20);
    KafkaTestData.produce(kafka, "start", 10, i -> KafkaTestData.text("start", null, "new" + i));
    Map<TopicPartition, OffsetAndMetadata> groupOffsets = new HashMap<>();
    groupOffsets.put(new TopicPartition("start", 0), new OffsetAndMetadata(15));
    kafka.adminClient().alterConsumerGroupOffsets("start-group", groupOffsets).all().get();

    CollectingSink<String> latest = new CollectingSink<>();
    CollectingSink<String> fromTimestamp = new CollectingSink<>();
    CollectingSink<String> fromCommitted = new CollectingSink<>();
    List<Pipeline> pipelines =
        List.of(
            pipeline(
                strings(kafka, "start").startingOffsets(StartingOffsetsType.LATEST).build(),
                latest,
                "start-latest"),
            pipeline(
                strings(kafka, "start").startingTimestamp(middle).build(),
                fromTimestamp,
                "start-ts"),
            pipeline(
                strings(kafka, "start")
                    .groupId("start-group")
                    .startingFromCommitted(OffsetReset.EARLIEST)
                    .build(),
                fromCommitted,
                "start-committed"));
    pipelines.forEach(Pipeline::start);
    Await.until(
        TIMEOUT,
        () -> fromTimestamp.size() >= 10 && fromCommitted.size() >= 5,
        () -> fromTimestamp.records() + " " + fromCommitted.records());
    // latest: only what is written after the source listed the partition
    Await.until(
        TIMEOUT,
        () -> {
          try {
            KafkaTestData.produce(
                kafka, "start", 1, i -> KafkaTestData.text("start", null, "later"));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          return latest.size() > 0;
        },
        () -> "latest read nothing");
    pipelines.forEach(Pipeline::stop);
    assertThat(latest.records()).allMatch("later"::equals);
    assertThat(fromTimestamp.records().subList(0, 10))
        .containsExactlyElementsOf(
            IntStream.range(0, 10).mapToObj(i -> "new" + i).collect(Collectors.toList()));
    assertThat(fromCommitted.records().subList(0, 5))
        .containsExactly("new5", "new6", "new7", "new8", "new9");
  }

  @Test
  void aTopicThatDoesNotExistFailsWithAClearError(LocalKafka kafka) {
    Pipeline pipeline =
        pipeline(strings(kafka, "no-such-topic").build(), new CollectingSink<>(), "missing");
    pipeline.start();
    assertThatThrownBy(() -> pipeline.await(TIMEOUT))
        .isInstanceOf(PipelineFailedException.class)
        .hasStackTraceContaining(
            "Topic no-such-topic does not exist on the Kafka cluster at "
                + kafka.bootstrapServers()
                + "; create it or fix the option topics");
  }
}
