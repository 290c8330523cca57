package dev.shardline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.format.StringFormat;
import dev.shardline.kafka.config.DeliveryGuarantee;
import dev.shardline.kafka.config.IsolationLevel;
import dev.shardline.kafka.config.MetadataField;
import dev.shardline.kafka.sink.KafkaSink;
import dev.shardline.kafka.source.KafkaRecord;
import dev.shardline.kafka.source.KafkaSource;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.kafka.KafkaTestData;
import dev.shardline.testkit.kafka.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka → Kafka exactly-once restored at other parallelisms (2, then 3, then 1): the source's
 * partitions spread evenly over all the new readers from the checkpoint (6 partitions: 3, 2 and 6
 * per reader in its final checkpoint), the sink's transactional ids stay unique, and the output
 * holds every record once, in partition order.
 */
class KafkaRescaleIT {
  @RegisterExtension static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

  @TempDir Path dir;

  @Test
  void restoringAtAnotherParallelismKeepsExactlyOnceAndOrder(LocalKafka kafka) throws Exception {
    kafka.createTopic("rescale-in", 6);
    kafka.createTopic("rescale-out", 6);
    int total = 0;
    for (int parallelism : new int[] {2, 3, 1}) {
      int from = total;
      KafkaTestData.produce(
          kafka,
          "rescale-in",
          3_000,
          i -> KafkaTestData.text("rescale-in", "k" + (i % 50), Integer.toString(from + i)));
      total += 3_000;
      Pipeline pipeline = pipeline(kafka, parallelism);
      pipeline.start();
      int expected = total;
      try {
        Await.until(
            Duration.ofSeconds(60),
            () -> committed(kafka) >= expected,
            () ->
                "parallelism "
                    + parallelism
                    + ": committed "
                    + committed(kafka)
                    + " of "
                    + expected);
      } finally {
        pipeline.stop(); // also when the wait failed: no pipeline left running on the broker
      }
      assertThat(partitionsPerReader())
          .as("partitions per reader in the final checkpoint at parallelism %d", parallelism)
          .hasSize(parallelism)
          .allSatisfy(n -> assertThat(n).isEqualTo(6 / parallelism));
    }
    assertThat(committed(kafka)).isEqualTo(total);
    Map<Integer, List<ConsumerRecord<byte[], byte[]>>> input =
        KafkaTestData.readAll(kafka, "rescale-in", false);
    Map<Integer, List<ConsumerRecord<byte[], byte[]>>> output =
        KafkaTestData.readAll(kafka, "rescale-out", true);
    for (int p = 0; p < 6; p++) {
      assertThat(KafkaTestData.values(output.get(p)))
          .as("output partition %d", p)
          .containsExactlyElementsOf(KafkaTestData.values(input.get(p)));
    }
    assertThat(kafka.adminClient().listTransactions().all().get())
        .noneMatch(t -> t.state() == TransactionState.ONGOING);
  }

  private Pipeline pipeline(LocalKafka kafka, int parallelism) {
    return Pipeline.from(
            KafkaSource.builder()
                .format(StringFormat.utf8())
                .bootstrapServers(kafka.bootstrapServers())
                .topics("rescale-in")
                .isolationLevel(IsolationLevel.READ_COMMITTED)
                .metadataFields(MetadataField.KEY)
                .buildWithMetadata())
        .to(
            KafkaSink.<KafkaRecord<String>>builder()
                .format(r -> r.value().getBytes(StandardCharsets.UTF_8))
                .bootstrapServers(kafka.bootstrapServers())
                .topic("rescale-out")
                .keyBytes(KafkaRecord::key)
                .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .build())
        .name("rescale")
        .parallelism(parallelism)
        .checkpointInterval(Duration.ofMillis(300))
        .checkpointDirectory(dir.resolve("checkpoints"))
        .restartPolicy(RestartPolicy.none())
        .build();
  }

  private List<Integer> partitionsPerReader() throws Exception {
    try (CheckpointStore store = CheckpointStore.directory(dir.resolve("checkpoints"))) {
      return store.latest().orElseThrow().readerSplits().stream().map(List::size).toList();
    }
  }

  private static int committed(LocalKafka kafka) {
    return KafkaTestData.readAll(kafka, "rescale-out", true).values().stream()
        .mapToInt(List::size)
        .sum();
  }
}
