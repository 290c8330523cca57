package dev.shardline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationTest {

  @Test
  void nestedKeysAsYamlGivesThemAndFlatDottedKeysReadTheSame() {
    // Given the same settings nested (YAML) and flat (properties)
    Map<String, Object> nested =
        Map.of("stream", "orders", "flush", Map.of("maxAge", "500ms", "maxRecords", 100));
    Map<String, Object> flat =
        Map.of("stream", "orders", "flush.maxAge", "500ms", "flush.maxRecords", "100");

    // When both are read
    Configuration fromNested = Configuration.fromMap(nested);
    Configuration fromFlat = Configuration.fromMap(flat);

    // Then they hold the same keys and read as the same values
    assertThat(fromNested.keys())
        .containsExactly("flush.maxAge", "flush.maxRecords", "stream")
        .isEqualTo(fromFlat.keys());
    assertThat(fromNested.get(SampleOptions.MAX_AGE)).isEqualTo(Duration.ofMillis(500));
    assertThat(fromFlat.get(SampleOptions.MAX_AGE)).isEqualTo(Duration.ofMillis(500));
    assertThat(fromNested.get(SampleOptions.MAX_RECORDS)).isEqualTo(100);
    assertThat(fromFlat.get(SampleOptions.MAX_RECORDS)).isEqualTo(100);
  }

  @Test
  void nestedAndDottedKeysMayBeMixed() {
    Map<String, Object> mixed = new LinkedHashMap<>();
    mixed.put("flush.maxAge", "2s");
    mixed.put("flush", Map.of("maxRecords", 10));
    Configuration config = Configuration.fromMap(mixed);
    assertThat(config.get(SampleOptions.MAX_AGE)).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.get(SampleOptions.MAX_RECORDS)).isEqualTo(10);
  }

  @Test
  void aKeyGivenBothNestedAndDottedIsRefused() {
    Map<String, Object> twice = new LinkedHashMap<>();
    twice.put("flush", Map.of("maxAge", "1s"));
    twice.put("flush.maxAge", "2s");
    assertThatThrownBy(() -> Configuration.fromMap(twice))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Option \"flush.maxAge\" is given twice (once as nested keys, once as a dotted key);"
                + " keep one");
  }

  @Test
  void anUnsetOptionReadsAsItsDefaultAndAMissingRequiredOneNamesItself() {
    Configuration config = Configuration.empty();
    assertThat(config.get(SampleOptions.MAX_AGE)).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.contains(SampleOptions.MAX_AGE)).isFalse();
    assertThat(config.getOptional(SampleOptions.START_TIMESTAMP_AGE)).isEmpty();
    assertThatThrownBy(() -> config.get(SampleOptions.STREAM))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Missing option \"stream\" (string): The stream to read. Set it; it has no"
                + " default.");
  }

  @Test
  void nullValuesInYamlCountAsUnset() {
    Map<String, Object> yaml = new LinkedHashMap<>();
    yaml.put("flush", null);
    assertThat(Configuration.fromMap(yaml).keys()).isEmpty();
  }

  @Test
  void aValueIsValidatedWhenReadNotWhenStored() {
    // Given a malformed value for one option
    Configuration config = Configuration.fromMap(Map.of("flush.maxAge", "soon", "stream", "s"));

    // Then other options read fine, and only reading the bad one fails
    assertThat(config.get(SampleOptions.STREAM)).isEqualTo("s");
    assertThatThrownBy(() -> config.get(SampleOptions.MAX_AGE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("\"soon\"");
  }

  @Test
  void theBuilderChecksValuesAsTheyAreSet() {
    assertThatThrownBy(() -> Configuration.builder().set(SampleOptions.MAX_RECORDS, 0))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value \"0\" for option \"flush.maxRecords\": must be from 1 to 500");
    assertThatThrownBy(
            () -> Configuration.builder().set(SampleOptions.MAX_AGE, Duration.ofMillis(-1)))
        .hasMessage("Invalid value \"-1ms\" for option \"flush.maxAge\": must be at least 0ms");

    Configuration config =
        Configuration.builder()
            .set(SampleOptions.MAX_AGE, Duration.ofMinutes(1))
            .set(SampleOptions.POSITION, SampleOptions.Position.TRIM_HORIZON)
            .build();
    assertThat(config.get(SampleOptions.MAX_AGE)).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.toString())
        .isEqualTo("Configuration{flush.maxAge=1m, startPosition=trim-horizon}");
  }

  @Test
  void settingAMapOptionReplacesItsNestedKeys() {
    Configuration config =
        Configuration.fromMap(Map.of("clientConfigProperties", Map.of("a", "1", "b", "2")))
            .toBuilder()
            .set(SampleOptions.CLIENT_PROPERTIES, Map.of("c", "3"))
            .build();
    assertThat(config.get(SampleOptions.CLIENT_PROPERTIES)).containsExactly(Map.entry("c", "3"));
  }

  @Test
  void subsetStripsThePrefix() {
    Configuration config =
        Configuration.fromMap(
            Map.of("deadLetter", Map.of("stream", "dlq", "flush", Map.of("maxAge", "5s")), "x", 1));
    Configuration sub = config.subset("deadLetter");
    assertThat(sub.keys()).containsExactly("flush.maxAge", "stream");
    assertThat(sub.get(SampleOptions.MAX_AGE)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void secretsAreMaskedInToStringAndInErrors() {
    // Given a secret set through the builder, a secret read through the option set, and a key
    // that only looks secret
    String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    Configuration built = Configuration.builder().set(SampleOptions.SECRET_KEY, secret).build();
    Configuration read =
        SampleOptions.OPTIONS.read(
            Map.of(
                "stream",
                "s",
                "awsCredentials",
                Map.of("basic", Map.of("secretAccessKey", secret))));
    Configuration guessed =
        Configuration.fromMap(Map.of("sasl.jaas.config", "password=hunter2", "stream", "s"));

    // Then no toString shows them
    assertThat(built.toString()).doesNotContain(secret).contains("secretAccessKey=****");
    assertThat(read.toString()).doesNotContain(secret).contains("secretAccessKey=****");
    assertThat(guessed.toString()).isEqualTo("Configuration{sasl.jaas.config=****, stream=s}");

    // And a bad secret is reported without its value
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () ->
                Configuration.fromMap(
                        Map.of("awsCredentials.basic.secretAccessKey", "hunter2-is-too-short"))
                    .get(SampleOptions.SECRET_KEY));
    assertThat(e.getMessage())
        .isEqualTo(
            "Invalid value \"****\" for option \"awsCredentials.basic.secretAccessKey\": must be"
                + " 40 characters long")
        .doesNotContain("hunter2");
    assertThat(e.value()).contains("****");
    assertThatThrownBy(
            () -> Configuration.builder().set(SampleOptions.SECRET_KEY, "hunter2-is-too-short"))
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aSubsetKeepsTheNestedKeysOfASecretMapOptionMasked() {
    // regression: subset() kept only secret keys that matched exactly, so the nested keys of a
    // secret map option showed in toString()
    ConfigOption<Map<String, String>> headers =
        ConfigOptions.key("sink.headers").stringMapType().defaultValue(Map.of()).secret();
    Configuration config =
        Configuration.fromMap(
                Map.of("sink", Map.of("headers", Map.of("x-trace", "hunter2"), "stream", "s")))
            .withSecrets(List.of(headers));
    assertThat(config.toString()).doesNotContain("hunter2");

    assertThat(config.subset("sink").toString())
        .isEqualTo("Configuration{headers.x-trace=****, stream=s}");
    assertThat(config.subset("sink.headers").toString()).isEqualTo("Configuration{x-trace=****}");
  }

  @Test
  void aSecretOfAnUnparsableTypeIsMaskedToo() {
    ConfigOption<Integer> pin = ConfigOptions.key("pin").intType().noDefaultValue().secret();
    assertThatThrownBy(() -> Configuration.fromMap(Map.of("pin", "12ab34")).get(pin))
        .hasMessage(
            "Invalid value \"****\" for option \"pin\": not a whole number; use digits only, such"
                + " as 10");
    assertThat(pin.toString()).isEqualTo("pin (int)");
  }

  @Test
  void aConfigurationTravelsThroughJavaSerializationWithItsPathsSizesAndSecrets() throws Exception {
    // Given every kind of value a connector's configuration holds, a Path among them
    ConfigOption<Path> directory =
        ConfigOptions.key("path").pathType(PathType.Use.WRITES_DIRECTORY).noDefaultValue();
    Configuration config =
        Configuration.builder()
            .set(SampleOptions.STREAM, "orders")
            .set(SampleOptions.MAX_AGE, Duration.ofMillis(500))
            .set(SampleOptions.MAX_BYTES, DataSize.ofMebibytes(4))
            .set(SampleOptions.POSITION, SampleOptions.Position.LATEST)
            .set(SampleOptions.STREAMS, List.of("a", "b"))
            .set(SampleOptions.CLIENT_PROPERTIES, Map.of("maxConcurrency", "10"))
            .set(SampleOptions.SECRET_KEY, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
            .set(directory, Path.of("out", "orders"))
            .setRaw("flush.maxRecords", 100)
            .build();

    // When it is written and read back, as Flink ships a source or sink
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(config);
    }
    Configuration copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (Configuration) in.readObject();
    }

    // Then it is equal, reads the same values, and still masks the secret
    assertThat(copy).isEqualTo(config).hasToString(config.toString());
    assertThat(copy.get(directory)).isEqualTo(Path.of("out", "orders"));
    assertThat(copy.get(SampleOptions.MAX_BYTES)).isEqualTo(DataSize.ofMebibytes(4));
    assertThat(copy.get(SampleOptions.SECRET_KEY))
        .isEqualTo("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    assertThat(copy.toString()).doesNotContain("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  }
}
