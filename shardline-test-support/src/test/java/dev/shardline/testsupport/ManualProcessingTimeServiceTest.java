package dev.shardline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.ProcessingTimeService;
import dev.shardline.time.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualProcessingTimeServiceTest {
  private final ManualTime time = new ManualTime();
  private final ManualProcessingTimeService timers = new ManualProcessingTimeService(time);
  private final List<String> fired = new ArrayList<>();

  @Test
  void onlyDueTimersFireInTimestampThenRegistrationOrderAndCancelledOnesDoNot() throws Exception {
    long t = timers.getCurrentProcessingTime();
    timers.registerTimer(t + 200, ts -> fired.add("b"));
    timers.registerTimer(t + 100, ts -> fired.add("a1"));
    ProcessingTimeService.Timer cancelled = timers.registerTimer(t + 100, ts -> fired.add("x"));
    timers.registerTimer(t + 100, ts -> fired.add("a2"));
    timers.registerTimer(t + 300, ts -> fired.add("later"));
    cancelled.cancel();

    assertThat(timers.fireDueTimers()).isZero();
    time.advance(Duration.ofMillis(200));

    assertThat(timers.fireDueTimers()).isEqualTo(3);
    assertThat(fired).containsExactly("a1", "a2", "b");
    assertThat(timers.pendingTimestamps()).containsExactly(t + 300);
  }

  @Test
  void aClosedServiceDropsItsTimersAndIgnoresNewOnes() throws Exception {
    long t = timers.getCurrentProcessingTime();
    timers.registerTimer(t, ts -> fired.add("before"));
    timers.close();
    timers.registerTimer(t, ts -> fired.add("after"));

    assertThat(timers.fireDueTimers()).isZero();
    assertThat(fired).isEmpty();
  }
}
