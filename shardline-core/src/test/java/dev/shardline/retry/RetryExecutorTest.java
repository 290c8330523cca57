package dev.shardline.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.RetriableException;
import dev.shardline.time.ManualTime;
import dev.shardline.time.Time;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RetryExecutorTest {
  // No jitter: delays of 100, 200, 400, 800 ms, then 1 s.
  private static final Backoff BACKOFF =
      new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.0);

  private final ManualTime time = new ManualTime();
  private final AtomicInteger attempts = new AtomicInteger();

  @AfterEach
  void clearInterruptFlag() {
    Thread.interrupted();
  }

  private long elapsedMillis() {
    return Duration.ofNanos(time.nanoseconds()).toMillis();
  }

  /** Fails with a retriable error {@code failures} times, then returns the attempt number. */
  private int failingTimes(int failures) {
    int attempt = attempts.incrementAndGet();
    if (attempt <= failures) {
      throw new RetriableException("throttled (attempt " + attempt + ")");
    }
    return attempt;
  }

  @Test
  void retriesRetriableErrorsWithBackoffUntilTheCallSucceeds() {
    // Given a call that is throttled twice
    RetryExecutor retry =
        new RetryExecutor(RetryPolicy.builder().backoff(BACKOFF).maxAttempts(5).build(), time);

    // When it runs under the policy
    int result = retry.call("PutRecords", () -> failingTimes(2));

    // Then the third attempt succeeds, after waiting 100 ms and 200 ms on the manual clock
    assertThat(result).isEqualTo(3);
    assertThat(elapsedMillis()).isEqualTo(300);
  }

  @Test
  void givesUpAfterMaxAttemptsSayingHowManyOverHowLongWithTheLastCause() {
    RetryExecutor retry =
        new RetryExecutor(RetryPolicy.builder().backoff(BACKOFF).maxAttempts(3).build(), time);

    assertThatThrownBy(() -> retry.call("ListShards on stream orders", () -> failingTimes(99)))
        .isInstanceOf(RetriesExhaustedException.class)
        .hasMessage(
            "ListShards on stream orders failed after 3 attempts over 300ms; last error:"
                + " dev.shardline.api.RetriableException: throttled (attempt 3)")
        .hasCauseInstanceOf(RetriableException.class)
        .cause()
        .hasMessage("throttled (attempt 3)");
    assertThat(attempts).hasValue(3);
    assertThat(elapsedMillis()).isEqualTo(300);
  }

  @Test
  void theElapsedLimitCutsTheLastBackoffShortSoTheLastRetryStartsAtTheLimit() {
    // Given a policy limited to 1 s, and calls that take 50 ms each
    RetryExecutor retry =
        new RetryExecutor(
            RetryPolicy.builder()
                .backoff(BACKOFF)
                .unlimitedAttempts()
                .maxElapsed(Duration.ofSeconds(1))
                .build(),
            time);

    // When every call fails
    // attempts start at 0, 150, 400, 850 ms; the next backoff (800 ms) would pass the limit, so the
    // last attempt starts at 1000 ms, and after it (1050 ms) no time is left
    RetriesExhaustedException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            RetriesExhaustedException.class,
            () ->
                retry.call(
                    "GetRecords",
                    () -> {
                      time.advance(Duration.ofMillis(50));
                      return failingTimes(99);
                    }));

    // Then it stopped after 5 attempts over 1050 ms, and says why
    assertThat(e.attempts()).isEqualTo(5);
    assertThat(e.elapsed()).isEqualTo(Duration.ofMillis(1050));
    assertThat(e)
        .hasMessageStartingWith(
            "GetRecords failed after 5 attempts over 1.1s (the limit of 1s has passed); last"
                + " error:");
    assertThat(elapsedMillis()).isEqualTo(1050);
  }

  @Test
  void aNonRetriableErrorPassesThroughAtOnceUnchanged() throws Exception {
    RetryExecutor retry = new RetryExecutor(RetryPolicy.builder().backoff(BACKOFF).build(), time);
    IllegalStateException bug = new IllegalStateException("bug");
    IOException io = new IOException("disk full");

    assertThatThrownBy(
            () ->
                retry.call(
                    "write",
                    () -> {
                      attempts.incrementAndGet();
                      throw bug;
                    }))
        .isSameAs(bug);
    assertThatThrownBy(
            () ->
                retry.run(
                    "write",
                    () -> {
                      attempts.incrementAndGet();
                      throw io;
                    }))
        .isSameAs(io);
    assertThat(attempts).hasValue(2);
    assertThat(elapsedMillis()).isZero();
  }

  @Test
  void retryOnReplacesTheDefaultClassification() {
    RetryExecutor retry =
        new RetryExecutor(
            RetryPolicy.builder()
                .backoff(BACKOFF)
                .retryOn(UncheckedIOException.class)
                .maxAttempts(2)
                .build(),
            time);

    assertThatThrownBy(
            () ->
                retry.call(
                    "read",
                    () -> {
                      attempts.incrementAndGet();
                      throw new UncheckedIOException(new IOException("reset"));
                    }))
        .isInstanceOf(RetriesExhaustedException.class);
    assertThat(attempts).hasValue(2);
    assertThat(RetryPolicy.DEFAULT.isRetriable(new RetriableException("x") {})).isTrue();
    assertThat(RetryPolicy.DEFAULT.isRetriable(new UncheckedIOException(new IOException())))
        .isFalse();
  }

  @Test
  void anInterruptDuringTheWaitEndsWithInterruptExceptionAndTheFlagSet() {
    // Given a clock whose sleep is interrupted
    Time interruptedClock =
        new Time() {
          @Override
          public long milliseconds() {
            return 0;
          }

          @Override
          public long nanoseconds() {
            return 0;
          }

          @Override
          public void sleep(long millis) throws InterruptedException {
            throw new InterruptedException("sleep interrupted");
          }
        };
    RetryExecutor retry =
        new RetryExecutor(RetryPolicy.builder().backoff(BACKOFF).build(), interruptedClock);

    // When a call fails and the executor waits to retry
    assertThatThrownBy(() -> retry.call("DescribeStream", () -> failingTimes(99)))
        .isInstanceOf(InterruptException.class)
        .hasMessage("Interrupted while waiting to retry DescribeStream after attempt 1")
        .hasCauseInstanceOf(InterruptedException.class);

    // Then the thread is still marked interrupted, and no second attempt was made
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(attempts).hasValue(1);
  }

  @Test
  void anAlreadyInterruptedThreadDoesNotWaitEvenOnAManualClock() {
    RetryExecutor retry = new RetryExecutor(RetryPolicy.builder().backoff(BACKOFF).build(), time);
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> retry.call("PutRecords", () -> failingTimes(99)))
        .isInstanceOf(InterruptException.class);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(elapsedMillis()).isZero();
  }

  @Test
  void anInterruptedCallIsNotRetriedAndRestoresTheFlag() {
    RetryExecutor retry =
        new RetryExecutor(RetryPolicy.builder().backoff(BACKOFF).retryIf(e -> true).build(), time);

    assertThatThrownBy(
            () ->
                retry.call(
                    "poll",
                    () -> {
                      attempts.incrementAndGet();
                      throw new InterruptedException();
                    }))
        .isInstanceOf(InterruptException.class)
        .hasMessage("poll was interrupted (attempt 1)");
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(attempts).hasValue(1);
  }

  static Stream<Exception> interruptsReportedOtherwise() {
    return Stream.of(
        new InterruptedIOException("read interrupted"),
        new ClosedByInterruptException(),
        new FileLockInterruptionException(),
        new CompletionException(new InterruptedException("future interrupted")),
        new ExecutionException(new InterruptedException("future interrupted")),
        new UncheckedIOException(new InterruptedIOException("piped read interrupted")),
        new IllegalStateException("an SDK's wrapper", new ClosedByInterruptException()));
  }

  @ParameterizedTest
  @MethodSource("interruptsReportedOtherwise")
  void anInterruptReportedAsAnotherJdkTypeOrAsACauseIsNotRetriedAndRestoresTheFlag(
      Exception reported) {
    // regression: only a bare InterruptedException counted; these went to the policy, were
    // retried, and the interrupt was lost
    RetryExecutor retry =
        new RetryExecutor(RetryPolicy.builder().backoff(BACKOFF).retryIf(e -> true).build(), time);

    assertThatThrownBy(
            () ->
                retry.call(
                    "GetRecords",
                    () -> {
                      attempts.incrementAndGet();
                      throw reported;
                    }))
        .isInstanceOf(InterruptException.class)
        .hasMessage("GetRecords was interrupted (attempt 1)")
        .hasCause(reported);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(attempts).hasValue(1);
    assertThat(elapsedMillis()).isZero();
  }

  @Test
  void aSocketTimeoutIsATimeoutNotAnInterrupt() {
    // SocketTimeoutException extends InterruptedIOException, as HTTP clients' connect timeouts do
    RetryExecutor retry =
        new RetryExecutor(
            RetryPolicy.builder().backoff(BACKOFF).maxAttempts(3).retryIf(e -> true).build(), time);

    assertThatThrownBy(
            () ->
                retry.call(
                    "GetRecords",
                    () -> {
                      attempts.incrementAndGet();
                      throw new SocketTimeoutException("Read timed out");
                    }))
        .isInstanceOf(RetriesExhaustedException.class)
        .hasCauseInstanceOf(SocketTimeoutException.class);
    assertThat(attempts).hasValue(3);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void policiesRefuseNonsense() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
        .hasMessage("maxAttempts must be 1 or more, was 0");
    assertThatThrownBy(() -> RetryPolicy.builder().maxElapsed(Duration.ZERO))
        .hasMessage("maxElapsed must be longer than 0, was PT0S");
    assertThat(RetryPolicy.DEFAULT.maxAttempts()).isEqualTo(10);
    assertThat(RetryPolicy.DEFAULT.maxElapsed()).isEmpty();
    assertThat(RetryPolicy.DEFAULT.backoff()).isEqualTo(Backoff.DEFAULT);
  }
}
