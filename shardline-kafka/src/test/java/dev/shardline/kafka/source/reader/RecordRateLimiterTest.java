package dev.shardline.kafka.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.time.ManualTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordRateLimiterTest {

  @Test
  void startsEmptyAndAllowsTheRateOverTime() {
    ManualTime time = new ManualTime();
    RecordRateLimiter limiter = new RecordRateLimiter(1_000, time);
    assertThat(limiter.tryAcquire()).isFalse();
    assertThat(limiter.nanosUntilNext()).isEqualTo(Duration.ofMillis(1).toNanos());
    long taken = 0;
    for (int ms = 0; ms < 10_000; ms++) {
      time.advance(Duration.ofMillis(1));
      while (limiter.tryAcquire()) {
        taken++;
      }
    }
    assertThat(taken).isEqualTo(10_000);
  }

  @Test
  void holdsAtMostATenthOfASecondOfTokensAfterAPause() {
    ManualTime time = new ManualTime();
    RecordRateLimiter limiter = new RecordRateLimiter(1_000, time);
    time.advance(Duration.ofSeconds(60));
    int burst = 0;
    while (limiter.tryAcquire()) {
      burst++;
    }
    assertThat(burst).isEqualTo(100);
  }

  @Test
  void fractionalRatesAreKept() {
    ManualTime time = new ManualTime();
    RecordRateLimiter limiter = new RecordRateLimiter(1_000.0 / 3, time);
    long taken = 0;
    for (int ms = 0; ms < 30_000; ms++) {
      time.advance(Duration.ofMillis(1));
      while (limiter.tryAcquire()) {
        taken++;
      }
    }
    assertThat(taken).isBetween(9_999L, 10_000L);
  }
}
