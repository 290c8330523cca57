package dev.shardline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OptionSetTest {

  @Test
  void optionsAndRulesAreCollectedFromTheOptionsClassInDeclarationOrder() {
    assertThat(SampleOptions.OPTIONS.options())
        .extracting(ConfigOption::key)
        .startsWith("stream", "flush.maxRecords", "flush.maxAge")
        .hasSize(12);
    assertThat(SampleOptions.OPTIONS.validators()).containsExactly(SampleOptions.RULES);
  }

  @Test
  void unknownKeysAreFoundWithTheKeyTheyWereMeantToBe() {
    // Given a YAML section with typos, a wrong case, and an unrelated key
    Configuration config =
        Configuration.fromMap(
            Map.of(
                "stream",
                "orders",
                "flush",
                Map.of("maxAgee", "1s", "maxrecords", 5),
                "colour",
                "blue",
                "clientConfigProperties",
                Map.of("any.key", "is fine")));

    // When unknown keys are looked for
    List<UnknownKey> unknown = SampleOptions.OPTIONS.unknownKeys(config);

    // Then each is reported, with a suggestion where one is plausible
    assertThat(unknown)
        .containsExactly(
            new UnknownKey("colour", Optional.empty()),
            new UnknownKey("flush.maxAgee", Optional.of("flush.maxAge")),
            new UnknownKey("flush.maxrecords", Optional.of("flush.maxRecords")));
    assertThat(unknown.get(1).message())
        .isEqualTo("Unknown option \"flush.maxAgee\"; did you mean \"flush.maxAge\"?");
    assertThat(unknown.get(0).message())
        .isEqualTo(
            "Unknown option \"colour\"; remove it, or see the option reference for the keys"
                + " accepted here");
  }

  @Test
  void aRenamedOptionsFormerKeyIsRefusedWithItsNewKey() {
    // Given an option renamed from "retry.initialBackoff", whose former key is no typo of its new
    ConfigOption<String> renamed =
        ConfigOptions.key("retry.backoff.initial")
            .stringType()
            .noDefaultValue()
            .withFormerKeys("retry.initialBackoff");
    OptionSet options = OptionSet.of(List.of(renamed), List.of());

    // When a configuration still uses the former key
    List<UnknownKey> unknown =
        options.unknownKeys(Configuration.fromMap(Map.of("retry.initialBackoff", "1s")));

    // Then it is refused, naming the new key
    assertThat(unknown)
        .containsExactly(UnknownKey.renamed("retry.initialBackoff", "retry.backoff.initial"));
    assertThatThrownBy(() -> options.read(Map.of("retry.initialBackoff", "1s")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Unknown option \"retry.initialBackoff\"; did you mean \"retry.backoff.initial\"? (the"
                + " option was renamed)");
  }

  @Test
  void validateRefusesUnknownKeysNamingEveryOne() {
    assertThatThrownBy(() -> SampleOptions.OPTIONS.read(Map.of("streem", "orders")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Unknown option \"streem\"; did you mean \"stream\"?");
    assertThatThrownBy(
            () -> SampleOptions.OPTIONS.read(Map.of("streem", "orders", "flush.maxAg", "1s")))
        .hasMessageStartingWith("2 unknown options: ")
        .hasMessageContaining("did you mean \"stream\"")
        .hasMessageContaining("did you mean \"flush.maxAge\"");
  }

  @Test
  void validateChecksEveryValueThenTheCrossFieldRules() {
    // A bad value is found even though nothing has read that option yet
    assertThatThrownBy(
            () -> SampleOptions.OPTIONS.read(Map.of("stream", "s", "flush.maxRecords", 0)))
        .hasMessage("Invalid value \"0\" for option \"flush.maxRecords\": must be from 1 to 500");

    // The cross-field rule runs once every value is valid
    assertThatThrownBy(
            () ->
                SampleOptions.OPTIONS.read(Map.of("stream", "s", "startPosition", "at-timestamp")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("startPosition at-timestamp needs startTimestampAge; set it, e.g. 1h");

    Configuration ok =
        SampleOptions.OPTIONS.read(
            Map.of("stream", "s", "startPosition", "at-timestamp", "startTimestampAge", "1h"));
    assertThat(ok.get(SampleOptions.POSITION)).isEqualTo(SampleOptions.Position.AT_TIMESTAMP);
  }

  @Test
  void aKeyDeclaredTwiceIsABugCaughtWhenTheSetIsBuilt() {
    ConfigOption<String> a = ConfigOptions.key("a").stringType().noDefaultValue();
    ConfigOption<Integer> alsoA = ConfigOptions.key("a").intType().defaultValue(1);
    assertThatThrownBy(() -> OptionSet.of(List.of(a, alsoA), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Option key \"a\" is declared twice");
  }

  @Test
  void badDeclarationsFailWhenTheOptionsClassLoads() {
    assertThatThrownBy(() -> ConfigOptions.key("Flush_max_age"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dotted camelCase");
    assertThatThrownBy(
            () ->
                ConfigOptions.key("n")
                    .intType()
                    .defaultValue(0)
                    .withValidator(Validators.atLeast(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The default of option \"n\" breaks its own rule: must be at least 1");
  }
}
