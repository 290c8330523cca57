package dev.shardline.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.time.ManualTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A writer's mailbox alone: the test's thread plays the worker (the only thread that may yield),
 * and {@link #workerMailbox} is the worker's mailbox, holding what the writer's mailbox posts there
 * beside the worker's other messages. The real-time waits only bound a broken run.
 */
@Timeout(30)
class RuntimeWriterMailboxTest {
  private final LinkedBlockingQueue<Action> workerMailbox = new LinkedBlockingQueue<>();
  private final RuntimeWriterMailbox mailbox =
      new RuntimeWriterMailbox(workerMailbox::add, Thread.currentThread());
  private final List<String> ran = new ArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void shutDown() {
    scheduler.shutdownNow();
  }

  @Test
  void aMailWakesTheWorkerAndRunsThereInOrder() throws Exception {
    mailbox.execute(() -> ran.add("a"), "a");
    mailbox.execute(() -> ran.add("b"), "b");

    // one message per mail reaches the worker, which runs the writer's mails in order
    assertThat(workerMailbox).hasSize(2);
    assertThat(ran).isEmpty();
    runWorkerMailbox();

    assertThat(ran).containsExactly("a", "b");
  }

  @Test
  void aYieldRunsTheWritersNextMailButNotTheWorkersOtherMessages() throws Exception {
    // Given a checkpoint waiting in the worker's mailbox, then a mail of the writer
    workerMailbox.add(() -> ran.add("checkpoint"));
    mailbox.execute(() -> ran.add("response"), "response");

    // When the writer yields (in its write or flush)
    mailbox.yield();

    // Then only its mail ran; the checkpoint waits for the record boundary, and the message the
    // mail posted finds nothing left to run
    assertThat(ran).containsExactly("response");
    runWorkerMailbox();
    assertThat(ran).containsExactly("response", "checkpoint");
  }

  @Test
  void aYieldWaitsForAMailFromAnotherThread() throws Exception {
    Thread worker = Thread.currentThread();
    CompletableFuture<Void> sdk =
        CompletableFuture.runAsync(
            () -> {
              awaitWaiting(worker);
              mailbox.execute(() -> ran.add("response"), "response");
            });

    mailbox.yield();

    assertThat(ran).containsExactly("response");
    sdk.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aTimerThatComesDueWakesAYield() throws Exception {
    ManualTime time = new ManualTime();
    MailboxTimerService timers = new MailboxTimerService(time, mailbox::post, scheduler);
    timers.registerTimer(time.milliseconds() + 1_000, timestamp -> ran.add("deadline"));
    workerMailbox.add(() -> ran.add("checkpoint"));

    time.advance(java.time.Duration.ofSeconds(1));
    mailbox.yield();

    assertThat(ran).containsExactly("deadline");
    timers.close();
  }

  @Test
  void tryYieldRunsAPendingMailWithoutWaiting() {
    assertThat(mailbox.tryYield()).isFalse();
    mailbox.execute(() -> ran.add("a"), "a");

    assertThat(mailbox.tryYield()).isTrue();
    assertThat(mailbox.tryYield()).isFalse();
    assertThat(ran).containsExactly("a");
  }

  @Test
  void aMailsCheckedExceptionPassesThroughTheYieldWrapped() {
    mailbox.execute(
        () -> {
          throw new java.io.IOException("broken pipe");
        },
        "response");

    assertThatThrownBy(mailbox::yield)
        .hasMessageContaining("broken pipe")
        .hasCauseInstanceOf(java.io.IOException.class);
  }

  @Test
  void afterCloseMailsAreDroppedAndAYieldThrows() throws Exception {
    mailbox.execute(() -> ran.add("before"), "before");
    mailbox.close();
    mailbox.execute(() -> ran.add("after"), "after");

    runWorkerMailbox();
    assertThat(ran).isEmpty();
    assertThatThrownBy(mailbox::yield)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void closingEndsAWaitingYield() throws Exception {
    Thread worker = Thread.currentThread();
    CompletableFuture<Void> closer =
        CompletableFuture.runAsync(
            () -> {
              awaitWaiting(worker);
              mailbox.close();
            });

    assertThatThrownBy(mailbox::yield).isInstanceOf(IllegalStateException.class);
    closer.get(10, TimeUnit.SECONDS);
  }

  @Test
  void onlyTheWorkersThreadMayYield() throws Exception {
    CompletableFuture<Throwable> other =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                mailbox.tryYield();
                return null;
              } catch (Throwable t) {
                return t;
              }
            });

    assertThat(other.get(10, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only on its worker's thread");
  }

  /** Returns once {@code thread} waits (in the yield); the class's timeout bounds it. */
  private static void awaitWaiting(Thread thread) {
    while (thread.getState() != Thread.State.WAITING) {
      Thread.onSpinWait();
    }
  }

  /** Runs what the worker's mailbox holds, as the worker does at a record boundary. */
  private void runWorkerMailbox() throws Exception {
    Action action;
    while ((action = workerMailbox.poll()) != null) {
      action.run();
    }
  }
}
