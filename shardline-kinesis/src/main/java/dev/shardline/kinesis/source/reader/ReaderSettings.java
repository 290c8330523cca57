package dev.shardline.kinesis.source.reader;

import dev.shardline.config.Configuration;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.config.KinesisSourceOptions.PastRetentionPolicy;
import dev.shardline.retry.Backoff;
import java.time.Duration;

/**
 * The reader's settings, read once from the configuration.
 *
 * @param maxRecordsPerCall GetRecords limit
 * @param callInterval shortest time between the starts of two GetRecords calls on a shard
 * @param firstCallMaxRecords GetRecords limit of a shard's first call
 * @param idleInterval time after the first empty answer (caught up) before the next call
 * @param maxIdleInterval the longest time between calls on a shard that stays caught up
 * @param bytesPerSecond the per-shard read budget
 * @param maxConcurrentRequests most calls in flight for the reader
 * @param backoff backoff after throttling and transient failures
 * @param maxAttempts attempts of a call failing transiently before the reader fails
 * @param pastRetention what to do with a restored position past the retention period
 * @param maxRecordsPerPoll most user records one pollNext emits
 */
record ReaderSettings(
    int maxRecordsPerCall,
    int firstCallMaxRecords,
    Duration callInterval,
    Duration idleInterval,
    Duration maxIdleInterval,
    long bytesPerSecond,
    int maxConcurrentRequests,
    Backoff backoff,
    int maxAttempts,
    PastRetentionPolicy pastRetention,
    int maxRecordsPerPoll) {

  /**
   * The GetRecords limit of a shard's first call after it starts or restarts: an answer of 10,000
   * records takes a cold JVM about 0.7 s to get and parse, all before the first record is emitted;
   * 500 come back in a fraction of that, and the calls after it ask for the full limit.
   */
  static final int FIRST_CALL_MAX_RECORDS = 500;

  static ReaderSettings from(Configuration config) {
    int maxRecords = config.get(KinesisSourceOptions.GET_RECORDS_MAX);
    Duration idle = config.get(KinesisSourceOptions.IDLE_INTERVAL);
    Duration maxIdle = config.get(KinesisSourceOptions.MAX_IDLE_INTERVAL);
    if (maxIdle.compareTo(idle) < 0) {
      // only when not set (the options' rules refuse a smaller one): a long fixed idle interval
      // set before the maximum existed keeps its meaning
      maxIdle = idle;
    }
    return new ReaderSettings(
        maxRecords,
        Math.min(maxRecords, FIRST_CALL_MAX_RECORDS),
        config.get(KinesisSourceOptions.GET_RECORDS_INTERVAL),
        idle,
        maxIdle,
        config.get(KinesisSourceOptions.SHARD_READ_RATE).bytes(),
        config.get(KinesisSourceOptions.MAX_CONCURRENT_REQUESTS),
        new Backoff(
            config.get(KinesisSourceOptions.RETRY_BACKOFF_INITIAL),
            2.0,
            config.get(KinesisSourceOptions.RETRY_BACKOFF_MAX),
            0.5),
        config.get(KinesisSourceOptions.RETRY_MAX_ATTEMPTS),
        config.get(KinesisSourceOptions.PAST_RETENTION),
        1000);
  }

  /**
   * How long a caught-up shard waits before its next call: {@link #idleInterval} after its first
   * empty answer, doubling with each further one in a row, at most {@link #maxIdleInterval}.
   *
   * @param emptyBefore the empty answers in a row before this one (0 for the first)
   */
  long idleWaitNanos(int emptyBefore) {
    long wait = idleInterval.toNanos();
    long max = maxIdleInterval.toNanos();
    for (int i = 0; i < emptyBefore && wait < max; i++) {
      wait *= 2;
    }
    return Math.min(wait, max);
  }
}
