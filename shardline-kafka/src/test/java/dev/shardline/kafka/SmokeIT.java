package dev.shardline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.format.BytesFormat;
import dev.shardline.kafka.config.DeliveryGuarantee;
import dev.shardline.kafka.sink.KafkaSink;
import dev.shardline.kafka.source.KafkaSource;
import dev.shardline.runtime.Pipeline;
import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.kafka.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SmokeIT {
  @RegisterExtension static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

  @TempDir Path dir;

  @Test
  void smoke(LocalKafka kafka) throws Exception {
    kafka.createTopic("in", 3);
    kafka.createTopic("out", 3);
    KafkaTestData.produce(
        kafka, "in", 3000, i -> KafkaTestData.text("in", "k" + (i % 10), "v" + i));
    Pipeline pipeline =
        Pipeline.from(
                KafkaSource.builder(BytesFormat.INSTANCE)
                    .bootstrapServers(kafka.bootstrapServers())
                    .topics("in")
                    .groupId("smoke")
                    .build())
            .to(
                KafkaSink.builder(BytesFormat.INSTANCE)
                    .bootstrapServers(kafka.bootstrapServers())
                    .topic("out")
                    .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .build())
            .name("smoke")
            .parallelism(2)
            .checkpointInterval(Duration.ofMillis(300))
            .checkpointDirectory(dir)
            .build();
    pipeline.start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    int total = 0;
    while (total < 3000 && System.nanoTime() < deadline) {
      Thread.sleep(500);
      total =
          KafkaTestData.readAll(kafka, "out", true).values().stream().mapToInt(List::size).sum();
      System.out.println("committed " + total + " checkpoints " + pipeline.completedCheckpoints());
    }
    pipeline.stop();
    Map<Integer, List<ConsumerRecord<byte[], byte[]>>> out =
        KafkaTestData.readAll(kafka, "out", true);
    assertThat(out.values().stream().mapToInt(List::size).sum()).isEqualTo(3000);
  }
}
