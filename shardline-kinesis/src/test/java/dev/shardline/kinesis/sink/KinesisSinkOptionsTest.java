package dev.shardline.kinesis.sink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.SinkContext;
import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.Configuration;
import dev.shardline.config.DataSize;
import dev.shardline.config.OptionsMarkdown;
import dev.shardline.kinesis.config.AwsOptions;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.testsupport.StandaloneSinkContext;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KinesisSinkOptionsTest {

  @Test
  void theDocsOptionTableIsTheGeneratedOne() throws Exception {
    // shardline-kinesis/docs/sink.md must list every option as declared
    String docs = Files.readString(Path.of("docs/sink.md"), UTF_8);
    assertThat(docs).contains(OptionsMarkdown.table(KinesisSinkOptions.OPTIONS));
  }

  @Test
  void theBuilderAndYamlSetTheSameOptions() {
    KinesisSink<byte[]> built =
        KinesisSink.<byte[]>builder().stream("out")
            .region(AwsRegion.customEndpoint(URI.create("http://127.0.0.1:4567"), "eu-west-1"))
            .clientProperty("cborEnabled", "false")
            .flushMaxRecords(100)
            .flushMaxBytes(DataSize.ofMebibytes(1))
            .flushMaxAge(Duration.ofMillis(250))
            .maxOutstandingRecords(2_000)
            .maxOutstandingBytes(DataSize.ofMebibytes(8))
            .maxInFlightRequests(4)
            .retryMaxAttempts(7)
            .retryTimeout(Duration.ofSeconds(30))
            .aggregation(true)
            .shardRate(false)
            .invalidRecords(InvalidRecordPolicy.DEAD_LETTER)
            .build();
    Map<String, Object> yaml = new java.util.LinkedHashMap<>();
    yaml.put("stream", "out");
    yaml.put(
        "awsRegion",
        Map.of("type", "custom-endpoint", "endpoint", "http://127.0.0.1:4567", "id", "eu-west-1"));
    yaml.put("clientConfigProperties", Map.of("cborEnabled", "false"));
    yaml.put("flush", Map.of("maxRecords", 100, "maxBytes", "1MiB", "maxAge", "250ms"));
    yaml.put("maxOutstandingRecords", 2000);
    yaml.put("maxOutstandingBytes", "8MiB");
    yaml.put("maxInFlightRequests", "4");
    yaml.put("retry", Map.of("maxAttempts", 7, "timeout", "30s"));
    yaml.put("aggregation", Map.of("enabled", true));
    yaml.put("shardRate.enabled", false);
    yaml.put("invalidRecords", Map.of("policy", "dead-letter"));
    KinesisSink<Object> fromYaml = KinesisSink.fromConfiguration(yaml);

    for (ConfigOption<?> option : KinesisSinkOptions.ALL.options()) {
      assertThat(fromYaml.configuration().getOptional(option))
          .as(option.key())
          .isEqualTo(built.configuration().getOptional(option));
    }
    assertThat(built.configuration().get(KinesisSinkOptions.FLUSH_MAX_RECORDS)).isEqualTo(100);
    assertThat(built.configuration().get(AwsOptions.REGION_ID)).isEqualTo("eu-west-1");
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    Configuration config =
        KinesisSink.of("out", v -> "k", (String v) -> v.getBytes(UTF_8)).configuration();

    assertThat(config.get(KinesisSinkOptions.STREAM)).isEqualTo("out");
    assertThat(config.get(KinesisSinkOptions.FLUSH_MAX_RECORDS)).isEqualTo(500);
    assertThat(config.get(KinesisSinkOptions.FLUSH_MAX_BYTES))
        .isEqualTo(DataSize.ofBytes(4_000_000));
    assertThat(config.get(KinesisSinkOptions.FLUSH_MAX_AGE)).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.get(KinesisSinkOptions.MAX_OUTSTANDING_RECORDS)).isEqualTo(10_000);
    assertThat(config.get(KinesisSinkOptions.AGGREGATION_ENABLED)).isFalse();
    assertThat(config.get(KinesisSinkOptions.INVALID_RECORDS_POLICY))
        .isEqualTo(InvalidRecordPolicy.FAIL);
  }

  @Test
  void valuesAreCheckedAsTheyAreSet() {
    assertThatThrownBy(() -> KinesisSink.builder().flushMaxRecords(501))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("flush.maxRecords")
        .hasMessageContaining("501");
    assertThatThrownBy(() -> KinesisSink.builder().flushMaxBytes(DataSize.ofMebibytes(6)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("flush.maxBytes");
  }

  @Test
  void crossFieldRulesNameTheKeyAndTheFix() {
    assertThatThrownBy(
            () ->
                KinesisSink.builder().stream("out")
                    .flushMaxRecords(500)
                    .maxOutstandingRecords(100)
                    .build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("maxOutstandingRecords")
        .hasMessageContaining("at least flush.maxRecords");
    assertThatThrownBy(
            () ->
                KinesisSink.builder().stream("out")
                    .maxOutstandingBytes(DataSize.ofMegabytes(1))
                    .build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("maxOutstandingBytes");
    assertThatThrownBy(
            () -> KinesisSink.fromConfiguration(Map.of("stream", "out", "framing", "newline")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("framing")
        .hasMessageContaining("aggregation.enabled");
    assertThatThrownBy(
            () ->
                KinesisSink.fromConfiguration(
                    Map.of("stream", "out", "retry", Map.of("backoff", Map.of("max", "10ms")))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retry.backoff.max");
  }

  @Test
  void aStreamIsRequiredAndUnknownKeysGetASuggestion() {
    assertThatThrownBy(() -> KinesisSink.builder().build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Missing option \"stream\"");
    assertThatThrownBy(
            () ->
                KinesisSink.fromConfiguration(
                    Map.of("stream", "out", "flush", Map.of("maxAgee", "1s"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("did you mean \"flush.maxAge\"");
    assertThatThrownBy(
            () -> KinesisSink.<String>builder().stream("out").stream(v -> "other").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("keep one");
  }

  @Test
  void deadLetteringNeedsADeadLetterSink() {
    KinesisSink<byte[]> sink =
        KinesisSink.<byte[]>builder().stream("out")
            .invalidRecords(InvalidRecordPolicy.DEAD_LETTER)
            .build();

    assertThatThrownBy(() -> sink.createWriter(contextWithoutDeadLetters()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("invalidRecords.policy")
        .hasMessageContaining("no dead-letter sink");
  }

  private static SinkContext contextWithoutDeadLetters() {
    return StandaloneSinkContext.of("test");
  }
}
