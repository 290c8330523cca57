package dev.shardline.kafka;

import dev.shardline.format.StringFormat;
import dev.shardline.kafka.config.DeliveryGuarantee;
import dev.shardline.kafka.sink.KafkaSink;
import dev.shardline.kafka.source.KafkaSource;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.kafka.KafkaTestData;
import dev.shardline.testkit.kafka.LocalKafka;
import dev.shardline.testkit.net.OpenResources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Kafka → Kafka pipeline that fails and restarts 20 times against a real broker, with either
 * delivery guarantee: every restart closes the consumers, producers and admin clients and removes
 * the meters of the attempt that failed, so neither the open connections to the broker nor the
 * registered meters grow, and nothing stays open after the stop (issue 10, item 6).
 */
@Timeout(240)
class KafkaRestartsIT {
  private static final int RESTARTS = 20;
  private static final int RECORDS = 10;

  @RegisterExtension static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(DeliveryGuarantee.class)
  void twentyRestartsLeaveOpenConnectionsAndMetersFlat(
      DeliveryGuarantee guarantee, LocalKafka kafka) throws Exception {
    // Given records in the input topic, and a function that fails the first 20 attempts at their
    // first record, noting the open connections and meters at that moment
    String name = "restarts-" + guarantee.name().toLowerCase(Locale.ROOT).replace('_', '-');
    kafka.createTopic(name + "-in", 2);
    kafka.createTopic(name + "-out", 2);
    KafkaTestData.produce(
        kafka, name + "-in", RECORDS, i -> KafkaTestData.text(name + "-in", "k" + i, "v" + i));
    openTheBrokersTransactionChannels(kafka, name + "-warm-up");
    int port = kafka.port();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OpenResources open = OpenResources.of(port, () -> registry.getMeters().size());
    AtomicInteger failures = new AtomicInteger();
    Pipeline pipeline =
        Pipeline.from(
                KafkaSource.builder()
                    .format(StringFormat.utf8())
                    .bootstrapServers(kafka.bootstrapServers())
                    .topics(name + "-in")
                    .groupId(name)
                    .build())
            .map(
                value -> {
                  if (failures.get() < RESTARTS) {
                    open.sample();
                    failures.incrementAndGet();
                    throw new IllegalStateException("injected failure " + failures.get());
                  }
                  return value;
                })
            .to(
                KafkaSink.<String>builder()
                    .format((String s) -> s.getBytes(StandardCharsets.UTF_8))
                    .bootstrapServers(kafka.bootstrapServers())
                    .topic(name + "-out")
                    .deliveryGuarantee(guarantee)
                    .build())
            .name(name)
            .checkpointDirectory(dir)
            .checkpointInterval(Duration.ofMillis(200))
            .restartPolicy(
                RestartPolicy.of(
                    RESTARTS + 5,
                    new Backoff(Duration.ofMillis(10), 1.0, Duration.ofMillis(10), 0)))
            .metrics(registry)
            .build();

    // When it fails 20 times, then runs until the records are through
    pipeline.start();
    try {
      Await.until(
          Duration.ofSeconds(180),
          () -> failures.get() >= RESTARTS && written(kafka, name + "-out") >= RECORDS,
          () -> failures.get() + " failures, " + open);
    } finally {
      pipeline.stop();
    }

    // Then every attempt saw as many connections and meters as the first (none piled up), and
    // after the stop the pipeline holds no connection at all
    open.checkFlat(RESTARTS, "the broker");
    open.awaitNoneLeft(Duration.ofSeconds(10));
  }

  /**
   * The broker's own transaction channels (its TxnMarkerSender and AddPartitionsToTxnSender
   * threads) connect to its listener at the first transaction and stay: open them before counting,
   * so that they are in the baseline.
   */
  private static void openTheBrokersTransactionChannels(LocalKafka kafka, String topic) {
    kafka.createTopic(topic, 1);
    Properties props = kafka.producerProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, new byte[1]));
      producer.commitTransaction();
    }
  }

  private static int written(LocalKafka kafka, String topic) {
    return KafkaTestData.readAll(kafka, topic, true).values().stream().mapToInt(List::size).sum();
  }
}
