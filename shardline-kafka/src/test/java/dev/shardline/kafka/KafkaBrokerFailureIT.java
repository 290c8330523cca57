package dev.shardline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.format.StringFormat;
import dev.shardline.kafka.config.DeliveryGuarantee;
import dev.shardline.kafka.config.MetadataField;
import dev.shardline.kafka.sink.KafkaSink;
import dev.shardline.kafka.source.KafkaRecord;
import dev.shardline.kafka.source.KafkaSource;
import dev.shardline.retry.Backoff;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.PipelineFailedException;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.kafka.KafkaTestData;
import dev.shardline.testkit.kafka.LocalKafka;
import dev.shardline.testkit.logging.StandardError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connectors when the broker is not there: at start, gone mid-run for longer than
 * unreachableTimeout, and killed mid-run for a few seconds.
 */
class KafkaBrokerFailureIT {
  @RegisterExtension
  static final LocalKafkaExtension KAFKA = new LocalKafkaExtension(LocalKafka.builder().childJvm());

  @TempDir Path dir;

  @Test
  void aBrokerDownAtStartFailsTheSourceAfterTheStartupTimeoutNamingTheServers(LocalKafka kafka)
      throws Exception {
    kafka.createTopic("down-at-start", 1);
    kafka.stop();
    try {
      Pipeline pipeline =
          Pipeline.from(
                  KafkaSource.builder()
                      .format(StringFormat.utf8())
                      .bootstrapServers(kafka.bootstrapServers())
                      .topics("down-at-start")
                      .startupTimeout(Duration.ofSeconds(3))
                      .build())
              .to(new CollectingSink<>())
              .name("down-at-start")
              .checkpointDirectory(dir.resolve("down"))
              .restartPolicy(RestartPolicy.none())
              .build();
      long start = System.nanoTime();
      pipeline.start();
      assertThatThrownBy(() -> pipeline.await(Duration.ofSeconds(60)))
          .isInstanceOf(PipelineFailedException.class)
          .hasStackTraceContaining(
              "Cannot list the partitions of topics [down-at-start] on the Kafka cluster at "
                  + kafka.bootstrapServers()
                  + " within 3s (startupTimeout)")
          .hasStackTraceContaining("Check that bootstrapServers is right");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    } finally {
      kafka.start();
    }
  }

  @Test
  void aBrokerGoneMidRunIsReportedWithinSecondsAndFailsTheSourceAfterUnreachableTimeout(
      LocalKafka kafka) throws Exception {
    // Given a pipeline that has read what the topic holds
    kafka.createTopic("gone-mid-run", 2);
    KafkaTestData.produce(
        kafka, "gone-mid-run", 100, i -> KafkaTestData.text("gone-mid-run", "k" + i, "v" + i));
    CollectingSink<String> sink = new CollectingSink<>();
    Pipeline pipeline =
        Pipeline.from(
                KafkaSource.builder()
                    .format(StringFormat.utf8())
                    .bootstrapServers(kafka.bootstrapServers())
                    .topics("gone-mid-run")
                    .unreachableTimeout(Duration.ofSeconds(3))
                    .build())
            .to(sink)
            .name("gone-mid-run")
            .checkpointDirectory(dir.resolve("gone"))
            .checkpointInterval(Duration.ofMillis(500))
            .restartPolicy(RestartPolicy.none())
            .build();
    pipeline.start();
    try {
      Await.until(Duration.ofSeconds(60), () -> sink.size() >= 100, () -> sink.size() + " read");

      // When the broker goes away and stays away
      String log =
          StandardError.during(
              () -> {
                long stopped = System.nanoTime();
                kafka.stop();

                // Then the readers report it within seconds, naming the servers and the cause,
                // and fail the pipeline after unreachableTimeout naming them and the options
                assertThatThrownBy(() -> pipeline.await(Duration.ofSeconds(60)))
                    .isInstanceOf(PipelineFailedException.class)
                    .satisfies(
                        e ->
                            assertThat(ServerUnreachableException.findIn(e))
                                .isNotNull()
                                .hasMessageStartingWith(
                                    "Cannot reach Kafka at " + kafka.bootstrapServers())
                                .hasMessageContaining("bootstrapServers")
                                .hasMessageContaining("option unreachableTimeout (now 3s)"));
                assertThat(Duration.ofNanos(System.nanoTime() - stopped))
                    .isLessThan(Duration.ofSeconds(30));
              });
      assertThat(log)
          .contains(
              "Cannot reach Kafka at "
                  + kafka.bootstrapServers()
                  + ": connection refused; retrying for up to 3s (option unreachableTimeout)");
    } finally {
      kafka.start();
      try {
        pipeline.stop();
      } catch (PipelineFailedException expected) {
        // the failure asserted above
      }
    }
  }

  @Test
  void aBrokerKilledMidRunLosesNothingAndDuplicatesNothing(LocalKafka kafka) throws Exception {
    int count = 20_000;
    kafka.createTopic("crash-in", 3);
    kafka.createTopic("crash-out", 3);
    KafkaTestData.produce(
        kafka,
        "crash-in",
        count,
        i -> KafkaTestData.text("crash-in", "k" + (i % 100), Integer.toString(i)));
    Pipeline pipeline =
        Pipeline.from(
                KafkaSource.builder()
                    .format(StringFormat.utf8())
                    .bootstrapServers(kafka.bootstrapServers())
                    .topics("crash-in")
                    .groupId("crash")
                    .messagesPerSecond(2_000)
                    .metadataFields(MetadataField.KEY)
                    .buildWithMetadata())
            .to(
                KafkaSink.<KafkaRecord<String>>builder()
                    .format(r -> r.value().getBytes(StandardCharsets.UTF_8))
                    .bootstrapServers(kafka.bootstrapServers())
                    .topic("crash-out")
                    .keyBytes(KafkaRecord::key)
                    .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .build())
            .name("broker-crash")
            .parallelism(2)
            .checkpointInterval(Duration.ofMillis(500))
            .checkpointDirectory(dir.resolve("crash"))
            .restartPolicy(
                RestartPolicy.of(
                    20, new Backoff(Duration.ofMillis(500), 2.0, Duration.ofSeconds(5), 0.2)))
            .build();
    pipeline.start();
    try {
      Await.until(
          Duration.ofSeconds(60),
          () -> pipeline.completedCheckpoints() >= 3,
          () -> "no checkpoints before the crash");
      String log =
          StandardError.during(
              loggedSoFar -> {
                kafka.kill();
                // the pipeline runs on without a broker until it noticed the outage
                String outage =
                    "Cannot reach Kafka at " + kafka.bootstrapServers() + ": connection refused";
                Await.until(
                    Duration.ofSeconds(30),
                    () -> loggedSoFar.get().contains(outage),
                    () -> "no WARN '" + outage + "' within 30 s of the kill");
                kafka.start();
                Await.until(
                    Duration.ofSeconds(120),
                    () -> committed(kafka) >= count,
                    () -> "committed " + committed(kafka) + " of " + count);
              });
      // the outage was reported, and its end, within unreachableTimeout (30 s): no restart
      assertThat(log)
          .contains("Cannot reach Kafka at " + kafka.bootstrapServers() + ": connection refused")
          .contains("Kafka at " + kafka.bootstrapServers() + " answers again after");
    } finally {
      pipeline.stop();
    }
    Map<Integer, List<ConsumerRecord<byte[], byte[]>>> input =
        KafkaTestData.readAll(kafka, "crash-in", false);
    Map<Integer, List<ConsumerRecord<byte[], byte[]>>> output =
        KafkaTestData.readAll(kafka, "crash-out", true);
    for (int p = 0; p < 3; p++) {
      assertThat(KafkaTestData.values(output.get(p)))
          .as("output partition %d", p)
          .containsExactlyElementsOf(KafkaTestData.values(input.get(p)));
    }
  }

  private static int committed(LocalKafka kafka) {
    return KafkaTestData.readAll(kafka, "crash-out", true).values().stream()
        .mapToInt(List::size)
        .sum();
  }
}
