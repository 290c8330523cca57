package dev.shardline.kafka.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.SinkContext;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.sink.KafkaSink;
import dev.shardline.testsupport.StandaloneSinkContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KafkaSinkOptionsTest {

  private static Configuration read(Map<String, Object> more) {
    Map<String, Object> yaml = new HashMap<>(more);
    yaml.putIfAbsent("bootstrapServers", "127.0.0.1:9092");
    yaml.putIfAbsent("topic", "out");
    return KafkaSinkOptions.OPTIONS.read(yaml);
  }

  @Test
  void defaultsAreAtLeastOnceAndAFifteenMinuteTransactionTimeout() {
    Configuration config = read(Map.of());
    assertThat(config.get(KafkaSinkOptions.DELIVERY_GUARANTEE))
        .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    assertThat(config.get(KafkaSinkOptions.TRANSACTION_TIMEOUT)).isEqualTo(Duration.ofMinutes(15));
    assertThat(
            read(Map.of("deliveryGuarantee", "exactly-once"))
                .get(KafkaSinkOptions.DELIVERY_GUARANTEE))
        .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
  }

  @Test
  void theBuilderTakesAnyOptionTypedAsTheKinesisBuildersDo() {
    KafkaSink<String> sink =
        KafkaSink.<String>builder()
            .format(StringFormat.utf8())
            .bootstrapServers("127.0.0.1:9092")
            .topic("out")
            .option(KafkaSinkOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.EXACTLY_ONCE)
            .option(KafkaSinkOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(5))
            .build();

    assertThat(sink.configuration().get(KafkaSinkOptions.DELIVERY_GUARANTEE))
        .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(sink.configuration().get(KafkaSinkOptions.TRANSACTION_TIMEOUT))
        .isEqualTo(Duration.ofMinutes(5));
    // and fromConfiguration takes YAML's map, as the Kinesis connectors' do
    assertThat(
            KafkaSink.fromConfiguration(
                    Map.of(
                        "bootstrapServers", "127.0.0.1:9092", "topic", "out", "format", "string"))
                .configuration()
                .get(KafkaSinkOptions.TOPIC))
        .isEqualTo("out");
    assertThatThrownBy(
            () ->
                KafkaSink.<String>builder()
                    .format(StringFormat.utf8())
                    .bootstrapServers("127.0.0.1:9092")
                    .topic("out")
                    .option(KafkaSinkOptions.TRANSACTION_TIMEOUT, Duration.ZERO)
                    .build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("transactionTimeout");
  }

  @Test
  void transactionOptionsApplyOnlyToExactlyOnce() {
    assertThatThrownBy(() -> read(Map.of("transactionalIdPrefix", "p")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "transactionalIdPrefix applies only to deliveryGuarantee exactly-once; remove it or set"
                + " deliveryGuarantee: exactly-once");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "deliveryGuarantee", "exactly-once", "transactionalIdPrefix", "has space")))
        .hasMessageContaining("must be letters, digits, '.', '_' or '-'");
  }

  @Test
  void framingAndOwnedPropertiesAreRefused() {
    assertThatThrownBy(() -> read(Map.of("framing", "newline")))
        .hasMessageStartingWith("framing applies only to sources");
    assertThatThrownBy(() -> read(Map.of("properties", Map.of("value.serializer", "x"))))
        .hasMessage(
            "The producer property value.serializer is set by the Kafka sink; the sink writes bytes"
                + " made by format; remove it");
    assertThatThrownBy(() -> read(Map.of("properties.transaction.timeout.ms", "1000")))
        .hasMessage(
            "The producer property transaction.timeout.ms is set by the Kafka sink; use the option"
                + " transactionTimeout");
  }

  @Test
  void theTransactionalIdPrefixIsDerivedFromThePipelineAndTheSinkUnlessGiven() {
    SinkContext sink0 = context(Optional.of("sink-0"));
    SinkContext unknownSink = context(Optional.empty());
    KafkaSink<String> derived =
        KafkaSink.<String>builder()
            .format(StringFormat.utf8())
            .bootstrapServers("127.0.0.1:9092")
            .topic("orders.v2")
            .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .build();
    assertThat(derived.transactionalIdPrefix(sink0)).isEqualTo("shardline-enricher-sink-0");
    assertThat(derived.transactionalIdPrefix(unknownSink))
        .isEqualTo("shardline-enricher-orders.v2");
    KafkaSink<String> byFunction =
        KafkaSink.<String>builder()
            .format(StringFormat.utf8())
            .bootstrapServers("127.0.0.1:9092")
            .topicSelector(v -> "t")
            .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .build();
    assertThat(byFunction.transactionalIdPrefix(unknownSink)).isEqualTo("shardline-enricher");
    KafkaSink<String> given =
        KafkaSink.<String>builder()
            .format(StringFormat.utf8())
            .bootstrapServers("127.0.0.1:9092")
            .topic("t")
            .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .transactionalIdPrefix("mine")
            .build();
    assertThat(given.transactionalIdPrefix(sink0)).isEqualTo("mine");
  }

  private static SinkContext context(Optional<String> sinkId) {
    return StandaloneSinkContext.of("enricher").withSinkId(sinkId.orElse(null));
  }

  @Test
  void aSinkNeedsExactlyOneOfTopicAndTopicFunction() {
    assertThatThrownBy(
            () ->
                KafkaSink.<String>builder()
                    .format(StringFormat.utf8())
                    .bootstrapServers("127.0.0.1:9092")
                    .build())
        .hasMessage(
            "A Kafka sink needs a topic: set topic, or a topic function with topicSelector(...)");
    assertThatThrownBy(
            () ->
                KafkaSink.<String>builder()
                    .format(StringFormat.utf8())
                    .bootstrapServers("127.0.0.1:9092")
                    .topic("t")
                    .topicSelector(v -> "u")
                    .build())
        .hasMessage("Both topic and a topic function are set; keep one");
    assertThatThrownBy(
            () ->
                KafkaSink.fromConfiguration(
                    Configuration.fromMap(Map.of("bootstrapServers", "127.0.0.1:9092"))))
        .hasMessageStartingWith("Missing option \"topic\"");
  }

  @Test
  void withoutFormatTheSinkWritesWithTheFormatItsOptionsNameAndAJavaFormatRefusesThem() {
    Map<String, Object> yaml =
        Map.of("bootstrapServers", "127.0.0.1:9092", "topic", "t", "format", "string");
    assertThat(KafkaSink.builder().options(yaml).build().configuration().keys()).contains("format");
    assertThatThrownBy(
            () -> KafkaSink.<String>builder().options(yaml).format(StringFormat.utf8()).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KafkaSink.builder().format(..)");
  }

  @Test
  void aBuilderFromConfigurationKeepsItsValuesAndChecksThemAtBuild() {
    KafkaSink<String> sink =
        KafkaSink.<String>builder()
            .options(
                Map.of(
                    "bootstrapServers", "127.0.0.1:9092",
                    "topic", "t",
                    "deliveryGuarantee", "exactly-once"))
            .format(StringFormat.utf8())
            .key(value -> value)
            .build();

    assertThat(sink.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(sink.configuration().get(KafkaSinkOptions.TOPIC)).isEqualTo("t");
    assertThatThrownBy(
            () ->
                KafkaSink.<String>builder()
                    .options(Map.of("bootstrapServers", "127.0.0.1:9092", "topc", "t"))
                    .format(StringFormat.utf8())
                    .build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("did you mean \"topic\"?");
  }

  @Test
  void secretsAreNeverShown() {
    Configuration config =
        read(Map.of("properties", Map.of("sasl.jaas.config", "password=\"hunter2\"")));
    assertThat(config.toString()).doesNotContain("hunter2");
    assertThat(KafkaSink.fromConfiguration(config).toString()).doesNotContain("hunter2");
  }
}
