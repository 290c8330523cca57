package dev.shardline.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalKafkaBuilderTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"listeners", "advertised.listeners", "log.dirs", "node.id", "process.roles"})
  void brokerPropertyRejectsTheKeysLocalKafkaOwns(String key) {
    assertThatThrownBy(() -> LocalKafka.builder().brokerProperty(key, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key)
        .hasMessageContaining("cannot be overridden");
  }

  @Test
  void brokerPropertyAcceptsOtherKeys() {
    assertThatCode(() -> LocalKafka.builder().brokerProperty("log.retention.ms", "1000"))
        .doesNotThrowAnyException();
  }

  @Test
  void startTimeoutMustBePositive() {
    assertThatThrownBy(() -> LocalKafka.builder().startTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }
}
