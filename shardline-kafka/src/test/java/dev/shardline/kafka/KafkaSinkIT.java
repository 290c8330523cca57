package dev.shardline.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.Committer;
import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.ShardlineException;
import dev.shardline.config.Configuration;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.config.DeliveryGuarantee;
import dev.shardline.kafka.config.KafkaSinkOptions;
import dev.shardline.kafka.sink.KafkaCommittable;
import dev.shardline.kafka.sink.KafkaSink;
import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.kafka.KafkaTestData;
import dev.shardline.testkit.kafka.LocalKafka;
import dev.shardline.testsupport.StandaloneSinkContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Kafka sink's writers and committer on a real broker, driven directly. */
class KafkaSinkIT {
  @RegisterExtension
  static final LocalKafkaExtension KAFKA =
      new LocalKafkaExtension(
          LocalKafka.builder()
              // abort timed-out transactions quickly, for the transaction timeout test
              .brokerProperty(
                  "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"));

  private static KafkaSink.Builder<String> strings(LocalKafka kafka) {
    return KafkaSink.<String>builder()
        .format(StringFormat.utf8())
        .bootstrapServers(kafka.bootstrapServers());
  }

  private static int committedCount(LocalKafka kafka, String topic) {
    return KafkaTestData.readAll(kafka, topic, true).values().stream().mapToInt(List::size).sum();
  }

  @Test
  void atLeastOnceWritesEveryRecordWithItsKeyToTheTopicItsFunctionChose(LocalKafka kafka)
      throws Exception {
    kafka.createTopic("alo-even", 2);
    kafka.createTopic("alo-odd", 2);
    KafkaSink<String> sink =
        strings(kafka)
            .topicSelector(v -> Integer.parseInt(v) % 2 == 0 ? "alo-even" : "alo-odd")
            .key(v -> "key-" + v)
            .build();
    try (CommittingSinkWriter<String, KafkaCommittable> writer =
        sink.createWriter(StandaloneSinkContext.of("alo"))) {
      for (int i = 0; i < 100; i++) {
        writer.write(Integer.toString(i));
      }
      writer.flush();
      assertThat(writer.prepareCommit()).isEmpty();
    }
    List<ConsumerRecord<byte[], byte[]>> even = new ArrayList<>();
    KafkaTestData.readAll(kafka, "alo-even", false).values().forEach(even::addAll);
    assertThat(even).hasSize(50);
    for (ConsumerRecord<byte[], byte[]> r : even) {
      String value = new String(r.value(), UTF_8);
      assertThat(Integer.parseInt(value) % 2).isZero();
      assertThat(new String(r.key(), UTF_8)).isEqualTo("key-" + value);
    }
    assertThat(
            KafkaTestData.readAll(kafka, "alo-odd", false).values().stream()
                .mapToInt(List::size)
                .sum())
        .isEqualTo(50);
  }

  @Test
  void aFailedSendFailsTheFlushInsteadOfLosingTheRecord(LocalKafka kafka) throws Exception {
    kafka.createTopic("alo-fail", 1);
    KafkaSink<String> sink =
        strings(kafka).topic("alo-fail").property("max.request.size", "300").build();
    try (CommittingSinkWriter<String, KafkaCommittable> writer =
        sink.createWriter(StandaloneSinkContext.of("alo-fail"))) {
      writer.write("x".repeat(1_000));
      assertThatThrownBy(writer::flush)
          .isInstanceOf(ShardlineException.class)
          .hasMessageStartingWith("Writing to Kafka partition ")
          .hasMessageContaining("RecordTooLargeException");
    }
  }

  @Test
  void aSinkFromConfigurationWritesWithItsFormat(LocalKafka kafka) throws Exception {
    kafka.createTopic("yaml", 1);
    KafkaSink<Object> sink =
        KafkaSink.fromConfiguration(
            Configuration.fromMap(
                Map.of(
                    "bootstrapServers",
                    kafka.bootstrapServers(),
                    "topic",
                    "yaml",
                    "format",
                    "string",
                    "properties",
                    Map.of("compression.type", "zstd"))));
    try (CommittingSinkWriter<Object, KafkaCommittable> writer =
        sink.createWriter(StandaloneSinkContext.of("yaml"))) {
      writer.write("hello");
      writer.flush();
    }
    assertThat(KafkaTestData.values(KafkaTestData.readAll(kafka, "yaml", false).get(0)))
        .containsExactly("hello");
  }

  @Test
  void exactlyOnceRecordsBecomeVisibleOnlyWhenCommittedAndCommitsAreIdempotent(LocalKafka kafka)
      throws Exception {
    kafka.createTopic("eo-visible", 2);
    KafkaSink<String> sink =
        strings(kafka)
            .topic("eo-visible")
            .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .transactionalIdPrefix("eo-visible")
            .build();
    StandaloneSinkContext context = StandaloneSinkContext.of("p");
    Collection<KafkaCommittable> prepared;
    try (CommittingSinkWriter<String, KafkaCommittable> writer = sink.createWriter(context)) {
      for (int i = 0; i < 10; i++) {
        writer.write("r" + i);
      }
      writer.flush();
      prepared = writer.prepareCommit();
      assertThat(writer.prepareCommit()).as("a checkpoint without records").isEmpty();
    }
    assertThat(prepared)
        .singleElement()
        .satisfies(c -> assertThat(c.transactionalId()).isEqualTo("eo-visible-0-1"))
        .satisfies(c -> assertThat(c.checkpointId()).isEqualTo(1))
        // a 4.3 broker runs transaction protocol version 2: the resume path under test is TV2's
        .satisfies(c -> assertThat(c.transactionV2()).isTrue());
    assertThat(committedCount(kafka, "eo-visible")).isZero();

    try (Committer<KafkaCommittable> committer = sink.createCommitter(context)) {
      committer.commit(prepared);
    }
    assertThat(committedCount(kafka, "eo-visible")).isEqualTo(10);

    // after a crash the restored checkpoint's transactions are committed again: no error, no copy
    try (Committer<KafkaCommittable> committer =
        sink.createCommitter(context.withRestoredCheckpoint(1))) {
      committer.commit(prepared);
      committer.commit(prepared);
    }
    assertThat(committedCount(kafka, "eo-visible")).isEqualTo(10);
  }

  @Test
  void newWritersAbortWhatCrashedWritersLeftOpenAtAnyOldParallelism(LocalKafka kafka)
      throws Exception {
    kafka.createTopic("eo-crash", 3);
    KafkaSink<String> sink =
        strings(kafka)
            .topic("eo-crash")
            .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .transactionalIdPrefix("eo-crash")
            .build();
    // a run at parallelism 4 after checkpoint 7: writer 3 prepared checkpoint 8 (never durable),
    // writer 0 was writing checkpoint 8 when the process died (writers are never closed)
    CommittingSinkWriter<String, KafkaCommittable> oldWriter3 =
        sink.createWriter(StandaloneSinkContext.of("p").withWriter(3, 4).withRestoredCheckpoint(7));
    oldWriter3.write("lost-3");
    KafkaCommittable neverDurable = oldWriter3.prepareCommit().iterator().next();
    assertThat(neverDurable.transactionalId()).isEqualTo("eo-crash-3-8");
    CommittingSinkWriter<String, KafkaCommittable> oldWriter0 =
        sink.createWriter(StandaloneSinkContext.of("p").withWriter(0, 4).withRestoredCheckpoint(7));
    oldWriter0.write("lost-0");
    oldWriter0.flush();
    assertThat(openTransactions(kafka, "eo-crash"))
        .containsExactlyInAnyOrder("eo-crash-3-8", "eo-crash-0-8");

    // the restart at parallelism 2 restores checkpoint 7: writer 1 aborts old writer 3's
    // transaction, writer 0 old writer 0's
    List<CommittingSinkWriter<String, KafkaCommittable>> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      writers.add(
          sink.createWriter(
              StandaloneSinkContext.of("p").withWriter(w, 2).withRestoredCheckpoint(7)));
    }
    assertThat(openTransactions(kafka, "eo-crash")).isEmpty();
    List<KafkaCommittable> committables = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      writers.get(w).write("new-" + w);
      writers.get(w).flush();
      committables.addAll(writers.get(w).prepareCommit());
      writers.get(w).close();
    }
    try (Committer<KafkaCommittable> committer =
        sink.createCommitter(StandaloneSinkContext.of("p").withWriter(0, 2))) {
      committer.commit(committables);
      assertThatThrownBy(() -> committer.commit(List.of(neverDurable)))
          .isInstanceOf(ShardlineException.class)
          .hasMessageStartingWith("Cannot commit Kafka transaction eo-crash-3-8");
    }
    List<String> committed = new ArrayList<>();
    KafkaTestData.readAll(kafka, "eo-crash", true)
        .values()
        .forEach(l -> committed.addAll(KafkaTestData.values(l)));
    assertThat(committed).containsExactlyInAnyOrder("new-0", "new-1");
    oldWriter0.close();
  }

  @Test
  void aTransactionTheBrokerTimedOutIsReportedAsLost(LocalKafka kafka) throws Exception {
    kafka.createTopic("eo-timeout", 1);
    KafkaSink<String> sink =
        strings(kafka)
            .topic("eo-timeout")
            .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .transactionalIdPrefix("eo-timeout")
            .transactionTimeout(Duration.ofSeconds(1))
            .build();
    Collection<KafkaCommittable> prepared;
    try (CommittingSinkWriter<String, KafkaCommittable> writer =
        sink.createWriter(StandaloneSinkContext.of("p"))) {
      writer.write("too late");
      prepared = writer.prepareCommit();
    }
    Await.until(
        Duration.ofSeconds(30),
        () -> openTransactions(kafka, "eo-timeout").isEmpty(),
        () -> "the broker did not abort the transaction");
    try (Committer<KafkaCommittable> committer =
        sink.createCommitter(StandaloneSinkContext.of("p"))) {
      assertThatThrownBy(() -> committer.commit(prepared))
          .isInstanceOf(ShardlineException.class)
          .hasMessageContaining("the broker aborted it")
          .hasMessageContaining("Raise transactionTimeout");
    }
    assertThat(committedCount(kafka, "eo-timeout")).isZero();
  }

  @Test
  void optionsRefusePropertiesTheSinkOwns() {
    assertThatThrownBy(
            () ->
                KafkaSink.<String>builder()
                    .format(StringFormat.utf8())
                    .bootstrapServers("127.0.0.1:1")
                    .topic("t")
                    .property("transactional.id", "mine")
                    .build())
        .hasMessage(
            "The producer property transactional.id is set by the Kafka sink; the sink names its"
                + " transactions itself; use the option transactionalIdPrefix");
    assertThat(KafkaSinkOptions.OPTIONS.find("deliveryGuarantee")).isPresent();
  }

  private static List<String> openTransactions(LocalKafka kafka, String prefix) {
    try {
      List<String> open = new ArrayList<>();
      for (var listing : kafka.adminClient().listTransactions().all().get()) {
        if (listing.transactionalId().startsWith(prefix + "-")
            && listing.state() == TransactionState.ONGOING) {
          open.add(listing.transactionalId());
        }
      }
      return open;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
