package dev.shardline.kafka;

import dev.shardline.api.Sink;
import dev.shardline.connectors.file.FileSink;
import dev.shardline.format.BytesFormat;
import dev.shardline.kafka.config.DeliveryGuarantee;
import dev.shardline.kafka.config.IsolationLevel;
import dev.shardline.kafka.config.MetadataField;
import dev.shardline.kafka.sink.KafkaSink;
import dev.shardline.kafka.source.KafkaRecord;
import dev.shardline.kafka.source.KafkaSource;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The program the kill tests run in a child JVM and kill: a Kafka source (key and value, paced)
 * into an exactly-once Kafka sink (same key and value) or an exactly-once file sink (lines {@code
 * <key> <value>}), stopping gracefully on SIGTERM.
 *
 * <p>Arguments: bootstrap servers, input topic, {@code kafka:<topic>} or {@code file:<directory>},
 * checkpoint directory, parallelism, records per second, checkpoint interval in milliseconds.
 */
public final class KafkaKillTestPipelineMain {
  private KafkaKillTestPipelineMain() {}

  public static void main(String[] args) {
    String bootstrap = args[0];
    String input = args[1];
    String output = args[2];
    Path checkpoints = Path.of(args[3]);
    int parallelism = Integer.parseInt(args[4]);
    double rate = Double.parseDouble(args[5]);
    long intervalMillis = Long.parseLong(args[6]);

    KafkaSource<KafkaRecord<byte[]>> source =
        KafkaSource.builder()
            .format(BytesFormat.INSTANCE)
            .bootstrapServers(bootstrap)
            .topics(input)
            .groupId("killtest")
            .isolationLevel(IsolationLevel.READ_COMMITTED)
            .messagesPerSecond(rate)
            .metadataFields(MetadataField.KEY)
            .buildWithMetadata();
    Sink<KafkaRecord<byte[]>> sink;
    if (output.startsWith("kafka:")) {
      sink =
          KafkaSink.<KafkaRecord<byte[]>>builder()
              .format(KafkaRecord::value)
              .bootstrapServers(bootstrap)
              .topic(output.substring("kafka:".length()))
              .keyBytes(KafkaRecord::key)
              .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
              .transactionTimeout(Duration.ofMinutes(2))
              .build();
    } else {
      sink =
          FileSink.<KafkaRecord<byte[]>>builder(
                  Path.of(output.substring("file:".length())),
                  r ->
                      new String(r.key(), StandardCharsets.UTF_8)
                          + " "
                          + new String(r.value(), StandardCharsets.UTF_8))
              .build();
    }
    Pipeline.from(source)
        .to(sink)
        .name("kafka-killtest")
        .parallelism(parallelism)
        .checkpointInterval(Duration.ofMillis(intervalMillis))
        .checkpointDirectory(checkpoints)
        .restartPolicy(RestartPolicy.none())
        .stopOnJvmShutdown(true)
        .build()
        .run();
  }
}
