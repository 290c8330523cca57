package dev.shardline.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsMarkdownTest {

  @Test
  void theTableListsKeyTypeDefaultAndDescriptionWithRules() {
    // Given a few declared options, one secret and one with a pipe in its description
    ConfigOption<Duration> maxAge =
        ConfigOptions.key("flush.maxAge")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withValidator(Validators.greaterThan(Duration.ZERO))
            .withDescription("Flush once the oldest record is this old");
    ConfigOption<SampleOptions.Position> position =
        ConfigOptions.key("startPosition")
            .enumType(SampleOptions.Position.class)
            .defaultValue(SampleOptions.Position.LATEST)
            .withDescription("Where to start: a | b.");
    ConfigOption<String> password =
        ConfigOptions.key("sasl.password")
            .stringType()
            .defaultValue("changeit")
            .withDescription("SASL password.")
            .secret();
    ConfigOption<String> stream = ConfigOptions.key("stream").stringType().noDefaultValue();

    // When the reference is generated
    String table =
        OptionsMarkdown.table(OptionSet.of(List.of(maxAge, position, password, stream), List.of()));

    // Then
    assertThat(table)
        .isEqualTo(
            "| Key | Type | Default | Description |\n"
                + "|---|---|---|---|\n"
                + "| `flush.maxAge` | duration | `1s` | Flush once the oldest record is this old."
                + " Must be greater than 0ms. |\n"
                + "| `startPosition` | enum (latest, trim-horizon, at-timestamp) | `latest` |"
                + " Where to start: a \\| b. |\n"
                + "| `sasl.password` | string | (secret) | SASL password. Secret: never shown in"
                + " logs, errors or toString(). |\n"
                + "| `stream` | string | (none) |  |\n");
    assertThat(table).doesNotContain("changeit");
  }

  @Test
  void aWholeOptionsClassIsDocumented() {
    String table = OptionsMarkdown.table(SampleOptions.OPTIONS);
    assertThat(table.lines()).hasSize(2 + SampleOptions.OPTIONS.options().size());
    assertThat(table)
        .contains(
            "| `flush.maxBytes` | data size | `4MB` | Flush once this many bytes are buffered."
                + " Must be at most 5MiB. |")
        .contains(
            "| `clientConfigProperties` | map<string,string> | (empty) | Passed to the client")
        .contains(
            "| `awsCredentials.basic.secretAccessKey` | string | (secret) | The secret access"
                + " key. Must be 40 characters long. Secret: never shown in logs, errors or"
                + " toString(). |");
  }
}
