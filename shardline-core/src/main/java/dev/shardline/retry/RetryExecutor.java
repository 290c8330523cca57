package dev.shardline.retry;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.time.Time;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a call under a {@link RetryPolicy}, waiting through an injected {@link Time} (tests pass a
 * {@link dev.shardline.time.ManualTime} and never sleep). Errors the policy does not retry pass
 * through at once, unchanged. When retries run out, a {@link RetriesExhaustedException} says how
 * many attempts over how long, with the last error as its cause. An interrupt ends with an {@link
 * InterruptException}, the thread's interrupt flag set, whatever the policy says: one while
 * waiting, a retriable failure on a thread whose interrupt flag is set, or a call that reports one
 * ({@link InterruptedException}, {@link java.io.InterruptedIOException}, {@link
 * java.nio.channels.ClosedByInterruptException}, ... also as the cause of another exception, such
 * as a {@link java.util.concurrent.CompletionException}). Blocks the calling thread while waiting:
 * not for a reader's or writer's own thread, whose waits go through the runner. Thread-safe: one
 * executor may serve many threads.
 *
 * <pre>{@code
 * RetryExecutor retry = new RetryExecutor(RetryPolicy.DEFAULT, Time.SYSTEM);
 * List<Shard> shards = retry.call("ListShards on stream orders", () -> proxy.listShards("orders"));
 * }</pre>
 */
public final class RetryExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(RetryExecutor.class);

  /**
   * A call that may throw {@code E}.
   *
   * @param <T> its result
   * @param <E> the checked exception it may throw ({@link RuntimeException} for none)
   */
  @FunctionalInterface
  public interface RetryableCall<T, E extends Exception> {
    T call() throws E;
  }

  /**
   * A call without a result that may throw {@code E}.
   *
   * @param <E> the checked exception it may throw ({@link RuntimeException} for none)
   */
  @FunctionalInterface
  public interface RetryableRunnable<E extends Exception> {
    void run() throws E;
  }

  private final RetryPolicy policy;
  private final Time time;
  private final DoubleSupplier random;

  /** An executor with random jitter. */
  public RetryExecutor(RetryPolicy policy, Time time) {
    this(policy, time, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** An executor whose jitter draws from {@code random} (values in [0, 1)); for tests. */
  public RetryExecutor(RetryPolicy policy, Time time, DoubleSupplier random) {
    this.policy = checkNotNull(policy, "policy");
    this.time = checkNotNull(time, "time");
    this.random = checkNotNull(random, "random");
  }

  /** The policy calls run under. */
  public RetryPolicy policy() {
    return policy;
  }

  /**
   * Runs {@code call}, retrying as the policy says.
   *
   * @param operation what the call does, for messages, e.g. {@code "ListShards on stream orders"}
   * @return the first successful result
   * @throws E what the call threw, when the policy does not retry it
   * @throws RetriesExhaustedException when retries ran out
   * @throws InterruptException when interrupted; the interrupt flag is set
   */
  public <T, E extends Exception> T call(String operation, RetryableCall<T, E> call) throws E {
    checkNotNull(operation, "operation");
    checkNotNull(call, "call");
    long start = time.nanoseconds();
    for (int attempt = 1; ; attempt++) {
      Exception failure;
      try {
        return call.call();
      } catch (Exception e) {
        if (reportsAnInterrupt(e)) {
          throw new InterruptException(operation + " was interrupted (attempt " + attempt + ")", e);
        }
        failure = e;
      }
      if (!policy.isRetriable(failure)) {
        throw rethrow(failure);
      }
      Duration elapsed = Duration.ofNanos(time.nanoseconds() - start);
      if (attempt >= policy.maxAttempts()) {
        throw exhausted(operation, attempt, elapsed, failure, "");
      }
      Duration delay = policy.backoff().delay(attempt - 1, random.getAsDouble());
      if (policy.maxElapsed().isPresent()) {
        Duration left = policy.maxElapsed().get().minus(elapsed);
        if (left.isNegative() || left.isZero()) {
          throw exhausted(
              operation,
              attempt,
              elapsed,
              failure,
              " (the limit of " + human(policy.maxElapsed().get()) + " has passed)");
        }
        if (delay.compareTo(left) > 0) {
          delay = left; // the last retry starts at the limit, not a backoff step before it
        }
      }
      LOG.debug(
          "{} failed (attempt {}), retrying in {}: {}",
          operation,
          attempt,
          human(delay),
          failure.toString());
      waitBeforeRetry(operation, attempt, delay, failure);
    }
  }

  /**
   * Runs {@code runnable}, retrying as the policy says; see {@link #call}.
   *
   * @throws E what the call threw, when the policy does not retry it
   */
  public <E extends Exception> void run(String operation, RetryableRunnable<E> runnable) throws E {
    checkNotNull(runnable, "runnable");
    this.<Void, E>call(
        operation,
        () -> {
          runnable.run();
          return null;
        });
  }

  /**
   * Whether {@code error}, or any cause of it, is how the JDK reports an interrupt: {@link
   * InterruptedException}, {@link ClosedByInterruptException}, {@link
   * FileLockInterruptionException}, a plain {@link InterruptedIOException}, or an {@link
   * InterruptException}. Subclasses of {@code InterruptedIOException} are not: the JDK's {@link
   * java.net.SocketTimeoutException} and HTTP clients' connect timeouts are timeouts, left to the
   * policy. Matched by JDK types only, so wrappers of any library (a {@code CompletionException},
   * an SDK or Kafka exception with the interrupt as its cause) are seen through.
   */
  static boolean reportsAnInterrupt(Throwable error) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof InterruptedException
          || t instanceof ClosedByInterruptException
          || t instanceof FileLockInterruptionException
          || t instanceof InterruptException
          || t.getClass() == InterruptedIOException.class) {
        return true;
      }
    }
    return false;
  }

  private void waitBeforeRetry(String operation, int attempt, Duration delay, Exception failure) {
    String message =
        "Interrupted while waiting to retry " + operation + " after attempt " + attempt;
    // Checked explicitly so that a clock that does not really sleep still honours interrupts.
    if (Thread.currentThread().isInterrupted()) {
      InterruptException e = new InterruptException(message);
      e.addSuppressed(failure);
      throw e;
    }
    try {
      time.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      InterruptException interrupt = new InterruptException(message, e);
      interrupt.addSuppressed(failure);
      throw interrupt;
    }
  }

  private static RetriesExhaustedException exhausted(
      String operation, int attempts, Duration elapsed, Exception last, String why) {
    return new RetriesExhaustedException(
        operation
            + " failed after "
            + attempts
            + (attempts == 1 ? " attempt" : " attempts")
            + " over "
            + human(elapsed)
            + why
            + "; last error: "
            + last,
        attempts,
        elapsed,
        last);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E rethrow(Exception e) throws E {
    throw (E) e;
  }

  /** {@code 350ms} below a second, {@code 2.5s} above. */
  static String human(Duration d) {
    long millis = d.toMillis();
    return millis < 1000
        ? millis + "ms"
        : String.format(Locale.ROOT, "%.1fs", millis / 1000.0).replace(".0s", "s");
  }
}
