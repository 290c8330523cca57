package dev.shardline.kafka.source.reader;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.time.Time;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/**
 * One reader's share of a source's messages-per-second limit: a Bucket4j token bucket refilled
 * greedily (smoothly) at the rate, starting empty, holding at most a tenth of a second of tokens,
 * so the rate measured over any second or longer stays at the limit. Never blocks: {@link
 * #tryAcquire()} says whether a record may go now, {@link #nanosUntilNext()} how long until one
 * may. Uses the injected {@link Time}. Used by one thread.
 */
final class RecordRateLimiter {
  // rates are refilled per this many seconds, so fractional rates (e.g. 333.3/s) stay exact
  private static final long REFILL_SECONDS = 1_000;

  private final Bucket bucket;

  RecordRateLimiter(double recordsPerSecond, Time time) {
    checkArgument(
        recordsPerSecond > 0 && Double.isFinite(recordsPerSecond),
        "recordsPerSecond must be greater than 0, was " + recordsPerSecond);
    checkNotNull(time, "time");
    long tokensPerRefill = Math.max(1, Math.round(recordsPerSecond * REFILL_SECONDS));
    long capacity = Math.max(1, (long) Math.ceil(recordsPerSecond / 10));
    this.bucket =
        Bucket.builder()
            .addLimit(
                limit ->
                    limit
                        .capacity(capacity)
                        .refillGreedy(tokensPerRefill, Duration.ofSeconds(REFILL_SECONDS))
                        .initialTokens(0))
            .withCustomTimePrecision(
                new TimeMeter() {
                  @Override
                  public long currentTimeNanos() {
                    return time.nanoseconds();
                  }

                  @Override
                  public boolean isWallClockBased() {
                    return false;
                  }
                })
            .build();
  }

  /** Takes a token for one record; false when the limit says to wait. */
  boolean tryAcquire() {
    return bucket.tryConsume(1);
  }

  /** How long until a token is available; 0 when one is. */
  long nanosUntilNext() {
    return bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
  }
}
