package dev.shardline.kafka.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.config.Serializability;
import dev.shardline.format.JsonFormat;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.config.DeliveryGuarantee;
import dev.shardline.kafka.config.KafkaSinkOptions;
import dev.shardline.testkit.serial.JavaSerialization;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A Kafka sink is shipped to Flink by Java serialization: it must arrive whole and working. */
class KafkaSinkSerializationTest {

  /** Something a user's job might hold that cannot be serialized. */
  static final class CustomerDirectory {
    String regionOf(String customer) {
      return "eu";
    }
  }

  @Test
  void anExactlyOnceSinkAsTheReadmeBuildsItArrivesWithItsOptionsAndKeyFunction() throws Exception {
    // Given the sink of the README: JSON values, a key function, exactly-once
    KafkaSink<JsonNode> sink =
        KafkaSink.<JsonNode>builder()
            .format(JsonFormat.forJsonNode())
            .bootstrapServers("127.0.0.1:9092")
            .topic("orders-enriched")
            .key(order -> order.get("customer").asText())
            .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .transactionalIdPrefix("enricher")
            .build();
    JsonNode order = new ObjectMapper().readTree("{\"customer\":\"c-7\",\"total\":12}");

    // When it is checked and shipped
    KafkaSink<JsonNode> shipped =
        JavaSerialization.roundTrip(Serializability.requireSerializable(sink, "sink s"));

    // Then it has the same options and makes the same Kafka record
    assertThat(shipped.configuration()).isEqualTo(sink.configuration());
    assertThat(shipped.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(shipped).hasToString(sink.toString());
    assertSameRecord(
        shipped.recordSerializer().toRecord(order), sink.recordSerializer().toRecord(order));
    assertThat(new String(shipped.recordSerializer().toRecord(order).key(), StandardCharsets.UTF_8))
        .isEqualTo("c-7");
  }

  @Test
  void anAtLeastOnceSinkWithATopicFunctionAndByteKeysArrivesWorking() {
    KafkaSink<String> sink =
        KafkaSink.<String>builder()
            .format(StringFormat.utf8())
            .bootstrapServers("127.0.0.1:9092")
            .topicSelector(text -> "orders-" + text.charAt(0))
            .keyBytes(text -> text.getBytes(StandardCharsets.UTF_8))
            .property("linger.ms", "5")
            .build();

    KafkaSink<String> shipped = JavaSerialization.roundTrip(sink);

    assertThat(shipped.configuration()).isEqualTo(sink.configuration());
    assertThat(shipped.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    ProducerRecord<byte[], byte[]> record = shipped.recordSerializer().toRecord("b-order");
    assertThat(record.topic()).isEqualTo("orders-b");
    assertSameRecord(record, sink.recordSerializer().toRecord("b-order"));
  }

  @Test
  void aSinkFromConfigurationArrivesWithItsFixedTopic() {
    KafkaSink<Object> sink =
        KafkaSink.fromConfiguration(
            Configuration.fromMap(
                Map.of(
                    "bootstrapServers", "127.0.0.1:9092",
                    "topic", "out",
                    "format", "string",
                    "deliveryGuarantee", "exactly-once")));

    KafkaSink<Object> shipped = JavaSerialization.roundTrip(sink);

    assertThat(shipped.configuration()).isEqualTo(sink.configuration());
    assertThat(shipped.configuration().get(KafkaSinkOptions.TOPIC)).isEqualTo("out");
    assertThat(shipped.recordSerializer().toRecord("x").topic()).isEqualTo("out");
  }

  @Test
  void aKeyFunctionCapturingSomethingNotSerializableIsRefusedNamingIt() {
    CustomerDirectory directory = new CustomerDirectory();
    KafkaSink<String> sink =
        KafkaSink.<String>builder()
            .format(StringFormat.utf8())
            .bootstrapServers("127.0.0.1:9092")
            .topic("orders")
            .key(customer -> directory.regionOf(customer))
            .build();

    assertThatThrownBy(() -> Serializability.requireSerializable(sink, "sink sink-0 (KafkaSink)"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sink sink-0 (KafkaSink) cannot be serialized")
        .hasMessageContaining(
            "KafkaSink.keySelector.selector is a lambda or method reference written in "
                + KafkaSinkSerializationTest.class.getName()
                + " capturing a "
                + CustomerDirectory.class.getName()
                + ", which is not Serializable")
        .hasMessageContaining("static nested class implementing Serializable");
  }

  private static void assertSameRecord(
      ProducerRecord<byte[], byte[]> actual, ProducerRecord<byte[], byte[]> expected) {
    assertThat(actual.topic()).isEqualTo(expected.topic());
    assertThat(actual.key()).isEqualTo(expected.key());
    assertThat(actual.value()).isEqualTo(expected.value());
  }
}
