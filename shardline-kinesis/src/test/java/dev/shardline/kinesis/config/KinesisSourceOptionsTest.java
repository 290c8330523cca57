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
}
