package dev.shardline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.ShardlineException;
import dev.shardline.time.ManualTime;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandaloneSinkContextTest {
  @Test
  void defaultsAreWriterZeroOfOneWithoutDeadLetters() {
    StandaloneSinkContext context = StandaloneSinkContext.of("p");
    assertThat(context.pipelineName()).isEqualTo("p");
    assertThat(context.writerIndex()).isZero();
    assertThat(context.parallelism()).isEqualTo(1);
    assertThat(context.sinkId()).isEmpty();
    assertThat(context.restoredCheckpointId()).isEmpty();
    assertThat(context.time()).isSameAs(Time.SYSTEM);
    assertThat(context.processingTimeService()).isInstanceOf(ManualProcessingTimeService.class);
    assertThat(context.deadLetters().isConfigured()).isFalse();
    DeadLetter letter = new DeadLetter(new byte[] {1}, Map.of("k", "v"), "bad", 0);
    assertThatThrownBy(() -> context.deadLetters().send(letter))
        .isInstanceOf(ShardlineException.class)
        .hasMessageContaining("No dead-letter sink");
  }

  @Test
  void withersChangeOnlyTheirPart() throws Exception {
    List<DeadLetter> letters = new ArrayList<>();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    ManualTime time = new ManualTime();
    StandaloneSinkContext context =
        StandaloneSinkContext.of("p")
            .withWriter(2, 3)
            .withSinkId("sink-1")
            .withRestoredCheckpoint(7)
            .withDeadLettersTo(letters)
            .withMetrics(metrics)
            .withTime(time);
    assertThat(context.writerIndex()).isEqualTo(2);
    assertThat(context.parallelism()).isEqualTo(3);
    assertThat(context.sinkId()).contains("sink-1");
    assertThat(context.restoredCheckpointId()).hasValue(7);
    assertThat(context.metrics()).isSameAs(metrics);
    assertThat(context.time()).isSameAs(time);
    DeadLetter letter = new DeadLetter(new byte[] {1}, Map.of("k", "v"), "bad", 0);
    context.deadLetters().send(letter);
    assertThat(letters).containsExactly(letter);

    // the timer service runs on the given clock
    List<Long> fired = new ArrayList<>();
    context.processingTimeService().registerTimer(time.milliseconds() + 1_000, fired::add);
    ManualProcessingTimeService timers =
        (ManualProcessingTimeService) context.processingTimeService();
    assertThat(timers.fireDueTimers()).isZero();
    time.advance(java.time.Duration.ofSeconds(1));
    assertThat(timers.fireDueTimers()).isEqualTo(1);
  }

  @Test
  void aWriterIndexOutsideTheParallelismIsRefused() {
    assertThatThrownBy(() -> StandaloneSinkContext.of("p").withWriter(3, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("writerIndex must be in [0, 3), was 3");
  }

  @Test
  void theMailboxRunsMailsThenDueTimersOnTheCallingThreadAndMovesAManualClockToTheNextTimer()
      throws Exception {
    ManualTime time = new ManualTime();
    StandaloneSinkContext context = StandaloneSinkContext.of("p").withTime(time);
    StandaloneSinkContext.Mailbox mailbox = (StandaloneSinkContext.Mailbox) context.mailbox();
    List<String> ran = new ArrayList<>();
    long start = time.milliseconds();
    context.processingTimeService().registerTimer(start + 500, t -> ran.add("timer"));
    mailbox.execute(() -> ran.add("mail"), "mail");

    // a queued mail first, without moving the clock
    mailbox.yield();
    assertThat(ran).containsExactly("mail");
    assertThat(time.milliseconds()).isEqualTo(start);

    // then, nothing else being there, the clock moves to the timer, which fires
    mailbox.yield();
    assertThat(ran).containsExactly("mail", "timer");
    assertThat(time.milliseconds()).isEqualTo(start + 500);

    // runPendingMails runs what is queued; after close, mails are dropped and a yield throws
    mailbox.execute(() -> ran.add("later"), "later");
    assertThat(mailbox.runPendingMails()).isEqualTo(1);
    mailbox.close();
    mailbox.execute(() -> ran.add("after close"), "after close");
    assertThat(mailbox.pendingMails()).isZero();
    assertThatThrownBy(mailbox::yield).isInstanceOf(IllegalStateException.class);
    assertThat(ran).containsExactly("mail", "timer", "later");
  }
}
