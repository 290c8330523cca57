package dev.shardline.retry;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;
import static dev.shardline.util.Preconditions.checkPositive;

import dev.shardline.api.RetriableException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * When and how often to retry a failed call: the {@link Backoff} between attempts, a limit on
 * attempts and/or on elapsed time, and which errors are worth retrying. An immutable value; run
 * calls with it through a {@link RetryExecutor}. Thread-safe.
 *
 * <p>Defaults: {@link Backoff#DEFAULT} (100 ms doubling to 10 s, jitter 0.2), at most 10 attempts
 * (the first call included), no elapsed-time limit, and only {@link RetriableException} and its
 * subclasses retried: everything else fails at once.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *     .backoff(new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), 0.2))
 *     .maxAttempts(5)
 *     .maxElapsed(Duration.ofSeconds(30))
 *     .build();
 * }</pre>
 */
public final class RetryPolicy {

  /** The defaults listed in the class comment. */
  public static final RetryPolicy DEFAULT = builder().build();

  private final Backoff backoff;
  private final int maxAttempts;
  private final Duration maxElapsed;
  private final Predicate<? super Throwable> retriable;

  private RetryPolicy(Builder builder) {
    this.backoff = builder.backoff;
    this.maxAttempts = builder.maxAttempts;
    this.maxElapsed = builder.maxElapsed;
    this.retriable = builder.retriable;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The wait between attempts. */
  public Backoff backoff() {
    return backoff;
  }

  /** The most calls made, the first included; {@link Integer#MAX_VALUE} means no limit. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The longest time from the first attempt's start to a retry's start: no retry starts later, and
   * a backoff that would pass it is cut short so that the last retry starts at it (the retrying
   * lasts the whole limit, not a backoff step less). Empty when there is no limit.
   */
  public Optional<Duration> maxElapsed() {
    return Optional.ofNullable(maxElapsed);
  }

  /** Whether {@code error} is worth another attempt. */
  public boolean isRetriable(Throwable error) {
    return retriable.test(error);
  }

  @Override
  public String toString() {
    return "RetryPolicy{backoff="
        + backoff
        + ", maxAttempts="
        + (maxAttempts == Integer.MAX_VALUE ? "unlimited" : maxAttempts)
        + ", maxElapsed="
        + (maxElapsed == null ? "unlimited" : maxElapsed)
        + "}";
  }

  /** Builds a {@link RetryPolicy}; starts with the defaults. Not thread-safe. */
  public static final class Builder {
    private Backoff backoff = Backoff.DEFAULT;
    private int maxAttempts = 10;
    private Duration maxElapsed;
    private Predicate<? super Throwable> retriable = e -> e instanceof RetriableException;

    private Builder() {}

    /** The wait between attempts. */
    public Builder backoff(Backoff backoff) {
      this.backoff = checkNotNull(backoff, "backoff");
      return this;
    }

    /** The most calls made, the first included; 1 means no retry. */
    public Builder maxAttempts(int maxAttempts) {
      checkArgument(maxAttempts >= 1, "maxAttempts must be 1 or more, was " + maxAttempts);
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** No limit on attempts: only {@link #maxElapsed} (if set) ends the retrying. */
    public Builder unlimitedAttempts() {
      this.maxAttempts = Integer.MAX_VALUE;
      return this;
    }

    /**
     * No retry starts later than this after the first attempt started; the last one starts at it
     * ({@link RetryPolicy#maxElapsed()}).
     */
    public Builder maxElapsed(Duration maxElapsed) {
      this.maxElapsed = checkPositive(maxElapsed, "maxElapsed");
      return this;
    }

    /** Retries errors of these classes (and their subclasses) only, instead of the default. */
    @SafeVarargs
    public final Builder retryOn(Class<? extends Throwable>... errorClasses) {
      List<Class<? extends Throwable>> classes = List.of(errorClasses);
      checkArgument(!classes.isEmpty(), "errorClasses must not be empty");
      this.retriable = e -> classes.stream().anyMatch(c -> c.isInstance(e));
      return this;
    }

    /** Retries the errors {@code retriable} accepts, instead of the default. */
    public Builder retryIf(Predicate<? super Throwable> retriable) {
      this.retriable = checkNotNull(retriable, "retriable");
      return this;
    }

    /** The policy. */
    public RetryPolicy build() {
      return new RetryPolicy(this);
    }
  }
}
