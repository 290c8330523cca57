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
 * @param idleInterval time between calls on a caught-up shard
 * @param bytesPerSecond the per-shard read budget
 * @param maxConcurrentRequests most calls in flight for the reader
 * @param backoff backoff after throttling and transient failures
 * @param maxAttempts attempts of a call failing transiently before the reader fails
 * @param pastRetention what to do with a restored position past the retention period
 * @param maxRecordsPerPoll most user records one pollNext emits
 */
record ReaderSettings(
    int maxRecordsPerCall,
    Duration callInterval,
    Duration idleInterval,
    long bytesPerSecond,
    int maxConcurrentRequests,
    Backoff backoff,
    int maxAttempts,
    PastRetentionPolicy pastRetention,
    int maxRecordsPerPoll) {

  static ReaderSettings from(Configuration config) {
    return new ReaderSettings(
        config.get(KinesisSourceOptions.GET_RECORDS_MAX),
        config.get(KinesisSourceOptions.GET_RECORDS_INTERVAL),
        config.get(KinesisSourceOptions.IDLE_INTERVAL),
        config.get(KinesisSourceOptions.SHARD_READ_RATE).bytes(),
        config.get(KinesisSourceOptions.MAX_CONCURRENT_REQUESTS),
        new Backoff(
            config.get(KinesisSourceOptions.RETRY_INITIAL_BACKOFF),
            2.0,
            config.get(KinesisSourceOptions.RETRY_MAX_BACKOFF),
            0.5),
        config.get(KinesisSourceOptions.RETRY_MAX_ATTEMPTS),
        config.get(KinesisSourceOptions.PAST_RETENTION),
        1000);
  }
}
