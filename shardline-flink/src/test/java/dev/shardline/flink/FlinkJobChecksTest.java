package dev.shardline.flink;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.UnrecoverableException;
import org.junit.jupiter.api.Test;

class FlinkJobChecksTest {

  @Test
  void aFlinkOtherThanTwoIsRefusedNamingTheVersionsThatWork() {
    assertThatThrownBy(() -> FlinkJobChecks.requireSupportedFlink("1.19.1"))
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("needs Apache Flink 2.x (verified: 2.2.0 and 2.3.0)")
        .hasMessageContaining("Flink 1.19.1 is on the classpath");
  }

  @Test
  void flinkTwoAndDevelopmentBuildsAreAccepted() {
    assertThatCode(() -> FlinkJobChecks.requireSupportedFlink("2.2.0")).doesNotThrowAnyException();
    assertThatCode(() -> FlinkJobChecks.requireSupportedFlink("2.3-SNAPSHOT"))
        .doesNotThrowAnyException();
    assertThatCode(() -> FlinkJobChecks.requireSupportedFlink("<unknown>"))
        .doesNotThrowAnyException();
  }

  @Test
  void theFlinkOnTheTestClasspathIsSupported() {
    assertThatCode(() -> FlinkJobChecks.requireSupportedFlink(FlinkJobChecks.flinkVersion()))
        .doesNotThrowAnyException();
  }
}
