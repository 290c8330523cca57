package dev.shardline.kinesis.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionsMarkdown;
import dev.shardline.format.BadDataOptions;
import dev.shardline.format.BadDataPolicy;
import dev.shardline.format.JsonFormat;
import dev.shardline.kinesis.config.KinesisSourceOptions.StartupPositionType;
import dev.shardline.kinesis.sink.KinesisSinkOptions;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KinesisSourceOptionsTest {

  @Test
  void theReadmeReferenceTablesAreTheGeneratedOnes() throws Exception {
    String readme = Files.readString(Path.of("README.md"), UTF_8);
    assertThat(readme)
        .contains(OptionsMarkdown.table(KinesisSourceOptions.OPTIONS))
        .contains(OptionsMarkdown.table(AwsOptions.OPTIONS));
  }

  @Test
  void theBuilderAndYamlAreTheSameOptions() {
    KinesisSource<?> built =
        KinesisSource.builder().stream("orders")
            .endpoint(URI.create("http://127.0.0.1:4567"), "us-east-1")
            .credentials(AwsCredentials.basic("AKIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG"))
            .startingPosition(StartingPosition.atTimestamp(Instant.parse("2026-03-01T00:00:00Z")))
            .discoveryInterval(Duration.ofSeconds(30))
            .format(JsonFormat.forJsonNode())
            .badDataPolicy(BadDataPolicy.DROP)
            .build();
    KinesisSource<?> fromYaml =
        KinesisSource.fromConfiguration(
            Map.of(
                "streams", List.of("orders"),
                "awsRegion",
                    Map.of(
                        "type",
                        "custom-endpoint",
                        "endpoint",
                        "http://127.0.0.1:4567",
                        "id",
                        "us-east-1"),
                "awsCredentials",
                    Map.of(
                        "type", "basic",
                        "accessKeyId", "AKIAEXAMPLE",
                        "secretAccessKey", "wJalrXUtnFEMI/K7MDENG"),
                "startupPosition", Map.of("type", "date", "date", "2026-03-01 00:00:00.000 Z"),
                "discovery", Map.of("interval", "30s"),
                "format", "json",
                "badData", Map.of("policy", "drop")));
    Configuration a = built.configuration();
    Configuration b = fromYaml.configuration();
    for (var option : KinesisSourceOptions.ALL.options()) {
      assertThat(a.getOptional(option)).as(option.key()).isEqualTo(b.getOptional(option));
    }
    assertThat(built.identity()).isEqualTo("kinesis:orders");
  }

  @Test
  void secretsNeverShowInToStringOrErrors() {
    KinesisSource<byte[]> source =
        KinesisSource.builder().stream("orders")
            .region("eu-west-1")
            .credentials(AwsCredentials.basic("AKIAEXAMPLE", "topsecretvalue"))
            .build();
    assertThat(source.toString()).doesNotContain("topsecretvalue").contains("****");
    assertThat(AwsCredentials.basic("AKIAEXAMPLE", "topsecretvalue").toString())
        .doesNotContain("topsecretvalue");
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    Map.of(
                        "streams", "orders",
                        "awsCredentials.type", "profile",
                        "awsCredentials.secretAccessKey", "topsecretvalue")))
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining("topsecretvalue");
  }

  @Test
  void theRetryBackoffKeysFollowTheSinksConventionAndTheFormerOnesNameTheNew() {
    // the source's backoff keys were retry.initialBackoff / retry.maxBackoff, the sink's
    // retry.backoff.initial / retry.backoff.max: one convention now, the old keys refused by name
    assertThat(KinesisSourceOptions.RETRY_BACKOFF_INITIAL.key())
        .isEqualTo(KinesisSinkOptions.RETRY_BACKOFF_INITIAL.key());
    assertThat(KinesisSourceOptions.RETRY_BACKOFF_MAX.key())
        .isEqualTo(KinesisSinkOptions.RETRY_BACKOFF_MAX.key());
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    Map.of("streams", "orders", "retry.initialBackoff", "1s")))
        .hasMessageContaining(
            "Unknown option \"retry.initialBackoff\"; did you mean \"retry.backoff.initial\"?");
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    Map.of("streams", "orders", "retry", Map.of("maxBackoff", "1s"))))
        .hasMessageContaining("did you mean \"retry.backoff.max\"? (the option was renamed)");
  }

  @Test
  void crossFieldRulesNameTheKeysAndTheFix() {
    assertThatThrownBy(() -> KinesisSource.fromConfiguration(Map.of()))
        .hasMessageContaining("Missing option \"streams\"");
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    Map.of("streams", "orders", "startupPosition.type", "date")))
        .hasMessageContaining("startupPosition.type date needs startupPosition.date");
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    Map.of("streams", "orders", "awsRegion", Map.of("type", "specific"))))
        .hasMessageContaining("awsRegion.type specific needs awsRegion.id");
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    Map.of(
                        "streams",
                        "orders",
                        "awsRegion",
                        Map.of("type", "specific", "id", "nowhere"))))
        .hasMessageContaining("must be an AWS region id");
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    Map.of(
                        "streams",
                        "orders",
                        "clientConfigProperties",
                        Map.of("maxConections", "5"))))
        .hasMessageContaining("Unknown client property \"maxConections\"");
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    Map.of("streams", "orders", "discovery.intervall", "1s")))
        .hasMessageContaining("did you mean \"discovery.interval\"");
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    Map.of(
                        "streams",
                        "orders",
                        "reader",
                        Map.of("idleInterval", "5s", "maxIdleInterval", "2s"))))
        .hasMessageContaining("reader.maxIdleInterval (PT2S) must be at least reader.idleInterval")
        .hasMessageContaining("raise it or lower reader.idleInterval");
  }

  @Test
  void aLongIdleIntervalWithoutAMaximumStaysAFixedPaceInsteadOfBeingRefused() {
    // reader.idleInterval: 30s was valid before reader.maxIdleInterval (default 10s) existed
    Configuration config =
        KinesisSourceOptions.ALL.read(
            Map.of("streams", List.of("orders"), "reader", Map.of("idleInterval", "30s")));
    assertThat(config.get(KinesisSourceOptions.IDLE_INTERVAL)).hasSeconds(30);
  }

  @Test
  void sequenceNumberStartsAndClientPropertiesParse() {
    Configuration config =
        KinesisSourceOptions.ALL.read(
            Map.of(
                "streams", List.of("orders"),
                "startupPosition",
                    Map.of(
                        "type",
                        "sequence-number",
                        "sequenceNumbers",
                        Map.of("shardId-000000000001", "4959"),
                        "inclusive",
                        true),
                "clientConfigProperties",
                    Map.of(
                        "MaxConnections", "7", "SocketTimeout", "1500", "cborEnabled", "false")));
    assertThat(config.get(KinesisSourceOptions.STARTUP_POSITION))
        .isEqualTo(StartupPositionType.SEQUENCE_NUMBER);
    assertThat(StartingPosition.fromConfiguration(config))
        .isEqualTo(StartingPosition.atSequenceNumbers(Map.of("shardId-000000000001", "4959")));
    KinesisClientProperties properties =
        KinesisClientProperties.from(config.get(AwsOptions.CLIENT_CONFIG_PROPERTIES));
    assertThat(properties.maxConcurrency()).isEqualTo(7);
    assertThat(properties.readTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(properties.cbor()).isFalse();
    assertThat(config.get(BadDataOptions.POLICY)).isEqualTo(BadDataPolicy.FAIL);
  }

  private static final String ORDERS_CONSUMER_ARN =
      "arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/billing:1767225600";

  @Test
  void theFanOutBuilderMethodsAndYamlAreTheSameOptions() {
    KinesisSource<?> built =
        KinesisSource.builder().stream("orders")
            .fanOut("billing")
            .consumerLifecycle(KinesisSourceOptions.ConsumerLifecycle.USER)
            .consumerRegistrationTimeout(Duration.ofSeconds(30))
            .build();
    KinesisSource<?> fromYaml =
        KinesisSource.fromConfiguration(
            Map.of(
                "streams",
                List.of("orders"),
                "reader",
                Map.of(
                    "type",
                    "fan-out",
                    "fanOut",
                    Map.of(
                        "consumerName",
                        "billing",
                        "consumerLifecycle",
                        "user",
                        "registrationTimeout",
                        "30s"))));
    for (var option : KinesisSourceOptions.ALL.options()) {
      assertThat(built.configuration().getOptional(option))
          .as(option.key())
          .isEqualTo(fromYaml.configuration().getOptional(option));
    }
    KinesisSource<?> byArn =
        KinesisSource.builder().stream("orders").fanOutWithConsumerArn(ORDERS_CONSUMER_ARN).build();
    KinesisSource<?> byArnFromYaml =
        KinesisSource.fromConfiguration(
            Map.of(
                "streams",
                "orders",
                "reader.type",
                "fan-out",
                "reader.fanOut.consumerArn",
                ORDERS_CONSUMER_ARN));
    for (var option : KinesisSourceOptions.ALL.options()) {
      assertThat(byArn.configuration().getOptional(option))
          .as(option.key())
          .isEqualTo(byArnFromYaml.configuration().getOptional(option));
    }
  }

  private static Map<String, Object> fanOut(Object... keyValues) {
    Map<String, Object> map = new java.util.HashMap<>();
    map.put("streams", "orders");
    map.put("reader.type", "fan-out");
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  @Test
  void fanOutNeedsAConsumerNameOrArn() {
    assertThatThrownBy(() -> KinesisSource.fromConfiguration(fanOut()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("reader.type fan-out needs reader.fanOut.consumerName")
        .hasMessageContaining("or reader.fanOut.consumerArn");
  }

  @Test
  void fanOutOptionsWithPollingAreRefused() {
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    Map.of("streams", "orders", "reader.fanOut.consumerName", "billing")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "reader.fanOut.consumerName applies only to reader.type fan-out, but reader.type is"
                + " polling; set reader.type: fan-out, or remove it");
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    Map.of(
                        "streams",
                        "orders",
                        "reader.type",
                        "polling",
                        "reader.fanOut.registrationTimeout",
                        "1m")))
        .hasMessageContaining("reader.fanOut.registrationTimeout applies only to reader.type");
  }

  @Test
  void aConsumerNameTooLongOrWithBadCharactersIsRefusedNamingTheOption() {
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    fanOut("reader.fanOut.consumerName", "x".repeat(129))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("for option \"reader.fanOut.consumerName\"")
        .hasMessageContaining("must be a consumer name of 1 to 128 letters, digits, _ . or -");
    assertThatThrownBy(
            () -> KinesisSource.fromConfiguration(fanOut("reader.fanOut.consumerName", "my app!")))
        .hasMessageStartingWith(
            "Invalid value \"my app!\" for option \"reader.fanOut.consumerName\": must be a"
                + " consumer name");
  }

  @Test
  void aConsumerArnMustBeAKinesisConsumerArnOfTheOneStreamRead() {
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    fanOut(
                        "reader.fanOut.consumerArn",
                        "arn:aws:kinesis:us-east-1:123456789012:stream/orders")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("for option \"reader.fanOut.consumerArn\"")
        .hasMessageContaining(
            "must be a Kinesis stream consumer ARN,"
                + " arn:<partition>:kinesis:<region>:<account>:stream/<stream>/consumer/<name>");
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    fanOut(
                        "reader.fanOut.consumerArn",
                        ORDERS_CONSUMER_ARN.replace("stream/orders", "stream/payments"))))
        .hasMessageContaining(
            "reader.fanOut.consumerArn is a consumer of stream payments, but the source reads"
                + " stream orders");
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    fanOut(
                        "streams",
                        List.of("orders", "audit"),
                        "reader.fanOut.consumerArn",
                        ORDERS_CONSUMER_ARN)))
        .hasMessageContaining(
            "reader.fanOut.consumerArn is the consumer of one stream, but streams lists 2"
                + " (orders, audit)")
        .hasMessageContaining("use reader.fanOut.consumerName");
  }

  @Test
  void aConsumerArnIsTheUsersSoItCannotBeManaged() {
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    fanOut(
                        "reader.fanOut.consumerArn",
                        ORDERS_CONSUMER_ARN,
                        "reader.fanOut.consumerLifecycle",
                        "managed")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("reader.fanOut.consumerLifecycle cannot be managed");
    assertThatThrownBy(
            () ->
                KinesisSource.fromConfiguration(
                    fanOut(
                        "reader.fanOut.consumerArn",
                        ORDERS_CONSUMER_ARN,
                        "reader.fanOut.consumerName",
                        "other")))
        .hasMessageContaining(
            "reader.fanOut.consumerName is other, but reader.fanOut.consumerArn is the consumer"
                + " named billing");
    // the same name, and lifecycle user, are consistent
    KinesisSource.fromConfiguration(
        fanOut(
            "reader.fanOut.consumerArn",
            ORDERS_CONSUMER_ARN,
            "reader.fanOut.consumerName",
            "billing",
            "reader.fanOut.consumerLifecycle",
            "user"));
  }
}
