package dev.shardline.kafka.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.api.Boundedness;
import dev.shardline.config.Configuration;
import dev.shardline.config.Serializability;
import dev.shardline.format.JsonFormat;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.config.IsolationLevel;
import dev.shardline.kafka.config.MetadataField;
import dev.shardline.kafka.config.StartingOffsetsType;
import dev.shardline.kafka.config.StoppingOffsetsType;
import dev.shardline.testkit.serial.JavaSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Kafka source is shipped to Flink by Java serialization: it must arrive whole. */
class KafkaSourceSerializationTest {

  @Test
  void aSourceAsTheReadmeBuildsItArrivesWithItsIdentityOptionsAndConsumerProperties() {
    KafkaSource<JsonNode> source =
        KafkaSource.builder()
            .format(JsonFormat.forJsonNode())
            .bootstrapServers("127.0.0.1:9092")
            .topics("orders", "payments")
            .groupId("orders-archive")
            .startingOffsets(StartingOffsetsType.LATEST)
            .isolationLevel(IsolationLevel.READ_COMMITTED)
            .build();

    KafkaSource<JsonNode> shipped =
        JavaSerialization.roundTrip(Serializability.requireSerializable(source, "source"));

    assertThat(shipped.identity()).isEqualTo("kafka:orders,payments");
    assertThat(shipped.configuration()).isEqualTo(source.configuration());
    assertThat(shipped.groupId()).contains("orders-archive");
    assertThat(shipped.boundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
    assertThat(shipped.consumerProperties(2)).isEqualTo(source.consumerProperties(2));
    assertThat(shipped).hasToString(source.toString());
  }

  @Test
  void aBoundedPatternSourceWithMetadataArrivesTheSame() {
    KafkaSource<KafkaRecord<String>> source =
        KafkaSource.builder()
            .format(StringFormat.utf8())
            .bootstrapServers("127.0.0.1:9092")
            .topicPattern("orders-.*")
            .stoppingOffsets(StoppingOffsetsType.LATEST)
            .metadataFields(MetadataField.KEY, MetadataField.OFFSET)
            .buildWithMetadata();

    KafkaSource<KafkaRecord<String>> shipped = JavaSerialization.roundTrip(source);

    assertThat(shipped.identity()).isEqualTo("kafka:pattern:orders-.*");
    assertThat(shipped.configuration()).isEqualTo(source.configuration());
    assertThat(shipped.boundedness()).isEqualTo(Boundedness.BOUNDED);
  }

  @Test
  void aSourceFromConfigurationArrivesTheSame() {
    KafkaSource<?> source =
        KafkaSource.fromConfiguration(
            Configuration.fromMap(
                Map.of(
                    "bootstrapServers", "127.0.0.1:9092",
                    "topics", List.of("orders"),
                    "format", "json",
                    "badData", Map.of("policy", "drop"),
                    "properties", Map.of("sasl.jaas.config", "secret-jaas"))));

    KafkaSource<?> shipped = JavaSerialization.roundTrip(source);

    assertThat(shipped.identity()).isEqualTo(source.identity());
    assertThat(shipped.configuration()).isEqualTo(source.configuration());
    assertThat(shipped.consumerProperties(0)).isEqualTo(source.consumerProperties(0));
    assertThat(shipped.toString()).doesNotContain("secret-jaas");
  }
}
