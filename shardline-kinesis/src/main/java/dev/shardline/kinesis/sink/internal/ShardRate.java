package dev.shardline.kinesis.sink.internal;

/**
 * The adaptive write rate of one shard, for one writer: two token buckets (Kinesis records and
 * bytes) refilled at a share of the shard's quota. The share drops when the shard throttles and
 * climbs back a little with every request it accepts in full (AIMD, as TCP does), so writers
 * sharing a shard settle near their fair share and a throttled shard holds back only its own
 * records.
 *
 * <p>Kinesis counts a shard's quota over any one-second window. A bucket holds the rate of a window
 * {@code w}: {@link #WINDOW_NANOS}, or the shard's recent round trip when that is longer (a shard
 * waits for its response before it sends again, so a batch must cover the round trip), at most
 * {@link #MAX_WINDOW_NANOS}. A full bucket plus one second of refill must stay within the quota, so
 * the highest rate is {@code quota / (1 + w)}: about 95% of the quota for round trips up to 50 ms.
 * Not thread-safe: the writer's state.
 */
final class ShardRate {
  /** The smallest window: the largest burst, and the batch a backlogged shard sends at once. */
  static final long WINDOW_NANOS = 25_000_000L;

  /** The largest window, however long the round trips. */
  static final long MAX_WINDOW_NANOS = 500_000_000L;

  static final double MIN_SHARE = 1.0 / 64;
  static final double DECREASE = 0.8;
  static final double INCREASE = 0.05;

  private final boolean enabled;
  private final double maxRecordsPerNano;
  private final double maxBytesPerNano;
  private double share = 1.0;
  private double recordTokens;
  private double byteTokens;
  private long refilledAt;
  private double windowNanos = WINDOW_NANOS;

  ShardRate(boolean enabled, double maxRecordsPerSecond, double maxBytesPerSecond, long now) {
    this.enabled = enabled;
    this.maxRecordsPerNano = maxRecordsPerSecond / 1e9;
    this.maxBytesPerNano = maxBytesPerSecond / 1e9;
    this.recordTokens = recordCapacity();
    this.byteTokens = byteCapacity();
    this.refilledAt = now;
  }

  /** The share of the highest rate this shard is paced at now, from 1/64 to 1. */
  double share() {
    return share;
  }

  /** Records per nanosecond now: the share of {@code quota / (1 + window)}. */
  private double recordsPerNano() {
    return maxRecordsPerNano * share / (1 + windowNanos / 1e9);
  }

  private double bytesPerNano() {
    return maxBytesPerNano * share / (1 + windowNanos / 1e9);
  }

  private double recordCapacity() {
    return Math.max(1.0, recordsPerNano() * windowNanos);
  }

  private double byteCapacity() {
    return Math.max(1.0, bytesPerNano() * windowNanos);
  }

  private void refill(long now) {
    long elapsed = now - refilledAt;
    if (elapsed > 0) {
      recordTokens = Math.min(recordCapacity(), recordTokens + elapsed * recordsPerNano());
      byteTokens = Math.min(byteCapacity(), byteTokens + elapsed * bytesPerNano());
      refilledAt = now;
    }
  }

  /**
   * Whether the shard may send now: its buckets cover what it holds, or are full. Waiting for a
   * full bucket rather than for the first token makes a backlogged shard send batches, not single
   * records.
   */
  boolean ready(long now, int queuedRecords, long queuedBytes) {
    if (!enabled) {
      return true;
    }
    refill(now);
    return recordTokens >= Math.min(recordCapacity(), queuedRecords) - 1e-9
        && byteTokens >= Math.min(byteCapacity(), queuedBytes) - 1e-9;
  }

  /** When {@link #ready} will hold, if nothing is taken meanwhile. */
  long readyAt(long now, int queuedRecords, long queuedBytes) {
    if (!enabled) {
      return now;
    }
    refill(now);
    double needRecords = Math.min(recordCapacity(), queuedRecords) - recordTokens;
    double needBytes = Math.min(byteCapacity(), queuedBytes) - byteTokens;
    double wait =
        Math.max(
            needRecords <= 0 ? 0 : needRecords / recordsPerNano(),
            needBytes <= 0 ? 0 : needBytes / bytesPerNano());
    return now + (long) Math.ceil(wait) + 1;
  }

  /** Whether another record may join the request being built (the last one may overdraw). */
  boolean hasTokens() {
    return !enabled || (recordTokens > 0 && byteTokens > 0);
  }

  void take(int records, long bytes) {
    if (enabled) {
      recordTokens -= records;
      byteTokens -= bytes;
    }
  }

  /** A request of this shard took {@code roundTripNanos}: the window follows recent round trips. */
  void onRoundTrip(long roundTripNanos) {
    double smoothed = 0.8 * windowNanos + 0.2 * roundTripNanos;
    windowNanos = Math.max(WINDOW_NANOS, Math.min(MAX_WINDOW_NANOS, smoothed));
  }

  /** The shard refused records for its quota: slow down and start from an empty bucket. */
  void onThrottled(long now) {
    if (enabled) {
      refill(now);
      share = Math.max(MIN_SHARE, share * DECREASE);
      recordTokens = Math.min(recordTokens, 0);
      byteTokens = Math.min(byteTokens, 0);
    }
  }

  /** The shard took a whole request: speed up a little. */
  void onAccepted() {
    if (enabled && share < 1.0) {
      share = Math.min(1.0, share + INCREASE);
    }
  }
}
