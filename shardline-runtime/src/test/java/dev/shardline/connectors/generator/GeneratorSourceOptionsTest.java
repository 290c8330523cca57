package dev.shardline.connectors.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.Boundedness;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratorSourceOptionsTest {

  private static GeneratorSource<?> fromYaml(Map<String, Object> yaml) {
    return GeneratorSource.fromConfiguration(Configuration.fromMap(yaml));
  }

  @Test
  void badValuesNameTheKeyTheValueAndTheFix() {
    assertThatThrownBy(() -> fromYaml(Map.of("kind", "sequence", "count", "many")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"many\" for option \"count\": not a whole number; use digits only,"
                + " such as 10");
    assertThatThrownBy(() -> fromYaml(Map.of("kind", "sequence", "count", -1)))
        .hasMessage("Invalid value \"-1\" for option \"count\": must be at least 0");
    assertThatThrownBy(() -> fromYaml(Map.of("kind", "sequence", "batchSize", 0)))
        .hasMessage("Invalid value \"0\" for option \"batchSize\": must be at least 1");
    assertThatThrownBy(() -> fromYaml(Map.of("kind", "sequence", "ratePerSecond", 0)))
        .hasMessage(
            "Invalid value \"0.0\" for option \"ratePerSecond\": must be greater than 0 (leave"
                + " it out for no limit)");
    assertThatThrownBy(() -> fromYaml(Map.of("kind", "json-events", "payloadSize", "17MiB")))
        .hasMessage("Invalid value \"17MiB\" for option \"payloadSize\": must be at most 16MiB");
    assertThatThrownBy(() -> fromYaml(Map.of("kind", "words")))
        .hasMessage(
            "Invalid value \"words\" for option \"kind\": must be one of sequence, json-events");
  }

  @Test
  void theJavaBuilderFailsWithTheSameConfigExceptions() {
    assertThatThrownBy(() -> GeneratorSource.jsonEvents(0, 10))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value \"0\" for option \"keys\": must be at least 1");
    assertThatThrownBy(() -> GeneratorSource.jsonEvents(4, -1))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"-1\" for option \"payloadSize\": a data size cannot be negative");
    assertThatThrownBy(() -> GeneratorSource.sequence().ratePerSecond(-5))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Invalid value \"-5.0\" for option \"ratePerSecond\"");
    assertThatThrownBy(() -> GeneratorSource.sequence().ratePerSecond(Double.NaN))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> GeneratorSource.sequence().splits(-1))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value \"-1\" for option \"splits\": must be at least 1");
  }

  @Test
  void anUnknownKeyIsRefusedWithTheClosestDeclaredKey() {
    assertThatThrownBy(() -> fromYaml(Map.of("kind", "sequence", "ratePerSecnd", 10)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Unknown option \"ratePerSecnd\"; did you mean \"ratePerSecond\"?");
  }

  @Test
  void theKindIsRequiredAndKeysApplyOnlyToJsonEvents() {
    assertThatThrownBy(() -> fromYaml(Map.of("count", 10)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Missing option \"kind\" (enum)");
    assertThatThrownBy(() -> fromYaml(Map.of("kind", "sequence", "keys", 4)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "keys applies only to kind json-events, but kind is sequence; remove it or set kind:"
                + " json-events");
  }

  @Test
  void absentCountAndRateMeanUnboundedAndUnpaced() {
    GeneratorSource<?> unbounded = fromYaml(Map.of("kind", "sequence"));
    GeneratorSource<?> bounded = fromYaml(Map.of("kind", "sequence", "count", 5));

    assertThat(unbounded.boundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
    assertThat(bounded.boundedness()).isEqualTo(Boundedness.BOUNDED);
    assertThat(fromYaml(Map.of("kind", "json-events")).identity())
        .isEqualTo("generator:json-events");
    assertThat(unbounded.identity()).isEqualTo("generator:sequence");
  }
}
