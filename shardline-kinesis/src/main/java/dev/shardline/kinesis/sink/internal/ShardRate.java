package dev.shardline.kinesis.sink.internal;

/**
 * The adaptive write rate of one shard, for one writer: two token buckets (Kinesis records and
 * bytes) refilled at a share of the shard's quota. The share drops by half when the shard throttles
 * and climbs back a little with every request it accepts in full (AIMD, as TCP does), so writers
 * sharing a shard settle near their fair share and a throttled shard holds back only its own
 * records. A bucket holds at most {@link #WINDOW_NANOS} worth of rate, so a burst stays within the
 * quota's one-second window. Not thread-safe: the writer's state.
 */
final class ShardRate {
  /**
   * How much rate a full bucket holds: the largest burst, and the batch a backlog sends at once.
   */
  static final long WINDOW_NANOS = 100_000_000L;

  static final double MIN_SHARE = 1.0 / 64;
  static final double DECREASE = 0.5;
  static final double INCREASE = 0.05;

  private final boolean enabled;
  private final double maxRecordsPerNano;
  private final double maxBytesPerNano;
  private double share = 1.0;
  private double recordTokens;
  private double byteTokens;
  private long refilledAt;

  ShardRate(boolean enabled, double maxRecordsPerSecond, double maxBytesPerSecond, long now) {
    this.enabled = enabled;
    this.maxRecordsPerNano = maxRecordsPerSecond / 1e9;
    this.maxBytesPerNano = maxBytesPerSecond / 1e9;
    this.recordTokens = recordCapacity();
    this.byteTokens = byteCapacity();
    this.refilledAt = now;
  }

  /** The share of the maximum rate this shard is paced at now, from 1/64 to 1. */
  double share() {
    return share;
  }

  private double recordCapacity() {
    return Math.max(1.0, maxRecordsPerNano * share * WINDOW_NANOS);
  }

  private double byteCapacity() {
    return Math.max(1.0, maxBytesPerNano * share * WINDOW_NANOS);
  }

  private void refill(long now) {
    long elapsed = now - refilledAt;
    if (elapsed > 0) {
      recordTokens = Math.min(recordCapacity(), recordTokens + elapsed * maxRecordsPerNano * share);
      byteTokens = Math.min(byteCapacity(), byteTokens + elapsed * maxBytesPerNano * share);
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
            needRecords <= 0 ? 0 : needRecords / (maxRecordsPerNano * share),
            needBytes <= 0 ? 0 : needBytes / (maxBytesPerNano * share));
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

  /** The shard refused records for its quota: halve the rate and start from an empty bucket. */
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
