package dev.shardline.retry;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;
import static dev.shardline.util.Preconditions.checkPositive;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the delay before retry {@code n} (0-based) is {@code initial *
 * multiplier^n}, capped at {@code max}, then spread uniformly by {@code ±jitter} of itself (and
 * capped at {@code max} again), so clients that failed together do not retry together. Immutable
 * and thread-safe.
 *
 * <pre>{@code
 * Backoff backoff = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 0.2);
 * Duration wait = backoff.delay(attempt);
 * }</pre>
 *
 * @param initial the first delay; longer than zero
 * @param multiplier growth per retry; 1 or more (1 is a constant delay)
 * @param max the longest delay; at least {@code initial}
 * @param jitter the spread, as a fraction of the delay, from 0 (none) to 1
 */
public record Backoff(Duration initial, double multiplier, Duration max, double jitter) {

  /** 100 ms doubling up to 10 s, jitter 0.2: what Shardline uses unless told otherwise. */
  public static final Backoff DEFAULT =
      new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 0.2);

  public Backoff {
    checkPositive(initial, "initial");
    checkNotNull(max, "max");
    checkArgument(
        multiplier >= 1.0 && Double.isFinite(multiplier),
        "multiplier must be 1 or more, was " + multiplier);
    checkArgument(
        max.compareTo(initial) >= 0,
        "max (" + max + ") must be at least initial (" + initial + ")");
    checkArgument(jitter >= 0.0 && jitter <= 1.0, "jitter must be from 0 to 1, was " + jitter);
  }

  /** The delay before retry {@code retry} (0 for the first retry), with random jitter. */
  public Duration delay(long retry) {
    return delay(retry, ThreadLocalRandom.current().nextDouble());
  }

  /**
   * The delay before retry {@code retry}, with the jitter drawn from {@code random} in [0, 1); for
   * tests that need a fixed value.
   */
  public Duration delay(long retry, double random) {
    checkArgument(retry >= 0, "retry must be 0 or more, was " + retry);
    checkArgument(random >= 0.0 && random < 1.0, "random must be in [0, 1), was " + random);
    double maxMillis = max.toMillis();
    double exponential =
        Math.min(maxMillis, initial.toMillis() * Math.pow(multiplier, Math.min(retry, 1_000)));
    double spread = exponential * jitter * (2 * random - 1);
    return Duration.ofMillis(Math.round(Math.min(maxMillis, exponential + spread)));
  }
}
