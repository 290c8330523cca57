package dev.shardline.kinesis.source.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BlockingCallsTest {

  @Test
  void callsOneAfterTheOtherUseOneThread() throws Exception {
    try (BlockingCalls calls = new BlockingCalls("test-call", 50)) {
      for (int i = 0; i < 200; i++) {
        int n = i;
        assertThat(calls.submit(() -> n * 2).get()).isEqualTo(n * 2);
      }
      // a thread pool with 50 core threads would have made one per call up to 50
      assertThat(calls.threads()).isEqualTo(1);
    }
  }

  @Test
  void noMoreThanTheLimitRunAtOnceAndTheOthersWaitTheirTurn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    try (BlockingCalls calls = new BlockingCalls("test-call", 3)) {
      List<CompletableFuture<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        int n = i;
        results.add(
            calls.submit(
                () -> {
                  most.accumulateAndGet(running.incrementAndGet(), Math::max);
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  running.decrementAndGet();
                  return n;
                }));
      }
      Thread.sleep(200);
      assertThat(running.get()).isEqualTo(3);
      release.countDown();
      for (int i = 0; i < 10; i++) {
        assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i);
      }
      assertThat(most.get()).isEqualTo(3);
      assertThat(calls.threads()).isLessThanOrEqualTo(3);
    }
  }

  @Test
  void aFailingCallFailsItsFutureWithItsOwnException() {
    try (BlockingCalls calls = new BlockingCalls("test-call", 2)) {
      CompletableFuture<Object> result =
          calls.submit(
              () -> {
                throw new IllegalArgumentException("refused");
              });
      assertThatThrownBy(result::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalArgumentException.class)
          .hasRootCauseMessage("refused");
    }
  }

  @Test
  void closingCancelsWaitingCallsInterruptsRunningOnesAndEndsTheThreads() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    BlockingCalls calls = new BlockingCalls("test-call", 1);
    CompletableFuture<Object> running =
        calls.submit(
            () -> {
              started.countDown();
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted");
              }
              return "slept";
            });
    CompletableFuture<Object> waiting = calls.submit(() -> "never");
    started.await();

    calls.close();
    calls.awaitEnd(Duration.ofSeconds(5));

    assertThat(calls.ended()).isTrue();
    assertThatThrownBy(running::get).hasRootCauseMessage("interrupted");
    assertThat(waiting).isCompletedExceptionally();
    assertThatThrownBy(waiting::get).isInstanceOf(CancellationException.class);
    assertThatThrownBy(calls.submit(() -> "after")::get).isInstanceOf(CancellationException.class);
  }
}
