package dev.shardline.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff =
      new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.5);

  @Test
  void delayGrowsByTheMultiplierUntilTheMax() {
    // random 0.5 means no spread
    assertThat(backoff.delay(0, 0.5)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.delay(1, 0.5)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.delay(3, 0.5)).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.delay(4, 0.5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.delay(Long.MAX_VALUE, 0.5)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void jitterSpreadsTheDelayBothWaysButNeverPastTheMax() {
    assertThat(backoff.delay(1, 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.delay(1, 0.999)).isBetween(Duration.ofMillis(299), Duration.ofMillis(300));
    assertThat(backoff.delay(10, 0.999)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.delay(10, 0.0)).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void badSettingsAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, 2, Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initial");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(1), 0))
        .hasMessageContaining("max (PT1S) must be at least initial (PT2S)");
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(1), 0.5, Duration.ofSeconds(1), 0))
        .hasMessageContaining("multiplier must be 1 or more, was 0.5");
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(1), 2, Duration.ofSeconds(1), 1.5))
        .hasMessageContaining("jitter must be from 0 to 1, was 1.5");
  }
}
