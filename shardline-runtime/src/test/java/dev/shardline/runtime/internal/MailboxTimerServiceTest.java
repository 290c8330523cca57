package dev.shardline.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.ProcessingTimeService;
import dev.shardline.time.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The timer service alone: the test plays the worker, running what the service posts to the
 * mailbox. Time is a manual clock; the real-time waits only bound a broken run.
 */
class MailboxTimerServiceTest {
  private static final long WAIT_MILLIS = 10_000;

  private final ManualTime time = new ManualTime();
  private final LinkedBlockingQueue<Action> mailbox = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final MailboxTimerService timers = new MailboxTimerService(time, mailbox::add, scheduler);
  private final List<String> fired = new ArrayList<>();

  @AfterEach
  void shutDown() {
    scheduler.shutdownNow();
  }

  private long now() {
    return timers.getCurrentProcessingTime();
  }

  private ProcessingTimeService.Timer register(long at, String name) {
    return timers.registerTimer(at, timestamp -> fired.add(name + "@" + (timestamp - at)));
  }

  /** Runs the next message the service posts, as the worker would. */
  private void runNextMessage() throws Exception {
    Action action = mailbox.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    assertThat(action).as("a message in the mailbox").isNotNull();
    action.run();
  }

  @Test
  void aTimerIsPostedOnlyOnceTheClockReachesItAndFiresWithItsTimestamp() throws Exception {
    register(now() + 1_000, "a");

    // the timer thread looks at least every MAX_CHECK_MILLIS: two of them see it is not due
    Thread.sleep(2 * MailboxTimerService.MAX_CHECK_MILLIS + 50);
    assertThat(mailbox).isEmpty();

    time.advance(Duration.ofMillis(1_000));
    runNextMessage();

    assertThat(fired).containsExactly("a@0");
    assertThat(timers.pendingTimers()).isZero();
  }

  @Test
  void dueTimersFireInTimestampOrderThenRegistrationOrderInOneMessage() throws Exception {
    long t = now();
    register(t + 300, "c");
    register(t + 100, "a1");
    register(t + 200, "b");
    register(t + 100, "a2");
    register(t + 5_000, "later");

    time.advance(Duration.ofMillis(300));
    runNextMessage();

    assertThat(fired).containsExactly("a1@0", "a2@0", "b@0", "c@0");
    assertThat(timers.pendingTimers()).isOne();
  }

  @Test
  void aCancelledTimerDoesNotFire() throws Exception {
    long t = now();
    ProcessingTimeService.Timer cancelled = register(t + 100, "cancelled");
    register(t + 100, "kept");
    cancelled.cancel();
    cancelled.cancel();

    time.advance(Duration.ofMillis(100));
    runNextMessage();

    assertThat(fired).containsExactly("kept@0");
  }

  @Test
  void aTimerRegisteredForThePastFromACallbackFiresInTheNextMessage() throws Exception {
    timers.registerTimer(
        now(),
        timestamp -> {
          fired.add("first");
          timers.registerTimer(timestamp, again -> fired.add("second"));
        });

    runNextMessage();
    assertThat(fired).containsExactly("first");

    runNextMessage();
    assertThat(fired).containsExactly("first", "second");
  }

  @Test
  void anyThreadMayRegisterAndTheCallbackRunsWhereTheMailboxIsRun() throws Exception {
    List<String> threads = new ArrayList<>();
    Thread other =
        new Thread(
            () ->
                timers.registerTimer(
                    now(), timestamp -> threads.add(Thread.currentThread().getName())));
    other.start();
    other.join(WAIT_MILLIS);

    runNextMessage();

    assertThat(threads).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void closeDropsPendingTimersAndIgnoresLaterOnes() throws Exception {
    register(now() + 100, "before-close");
    time.advance(Duration.ofMillis(100));
    Action posted = mailbox.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    assertThat(posted).isNotNull();

    timers.close();
    posted.run(); // a message already posted finds nothing
    register(now(), "after-close");
    Thread.sleep(2 * MailboxTimerService.MAX_CHECK_MILLIS + 50);

    assertThat(fired).isEmpty();
    assertThat(mailbox).isEmpty();
    assertThat(timers.pendingTimers()).isZero();
  }
}
