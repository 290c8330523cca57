package dev.shardline.kinesis.sink.internal;

import dev.shardline.config.Configuration;
import dev.shardline.kinesis.sink.KinesisSinkOptions;
import dev.shardline.retry.Backoff;
import java.time.Duration;

/**
 * The sink options the sending logic needs, read and checked once.
 *
 * @param maxRecordsPerRequest flush.maxRecords
 * @param maxBytesPerRequest flush.maxBytes
 * @param maxAgeNanos flush.maxAge
 * @param maxOutstandingRecords maxOutstandingRecords
 * @param maxOutstandingBytes maxOutstandingBytes
 * @param maxInFlightRequests maxInFlightRequests
 * @param maxAttempts retry.maxAttempts
 * @param retryTimeoutNanos retry.timeout
 * @param backoff retry.backoff.*
 * @param aggregationMaxBytes aggregation.maxBytes, or 0 without aggregation
 * @param shardRateEnabled shardRate.enabled
 * @param maxRecordsPerSecond shardRate.maxRecordsPerSecond
 * @param maxBytesPerSecond shardRate.maxBytesPerSecond
 * @param refreshIntervalNanos shardMap.refreshInterval
 */
public record SenderSettings(
    int maxRecordsPerRequest,
    long maxBytesPerRequest,
    long maxAgeNanos,
    int maxOutstandingRecords,
    long maxOutstandingBytes,
    int maxInFlightRequests,
    int maxAttempts,
    long retryTimeoutNanos,
    Backoff backoff,
    int aggregationMaxBytes,
    boolean shardRateEnabled,
    double maxRecordsPerSecond,
    double maxBytesPerSecond,
    long refreshIntervalNanos) {

  /** Reads the settings; {@code config} must have passed {@code KinesisSinkOptions.OPTIONS}. */
  public static SenderSettings from(Configuration config) {
    return new SenderSettings(
        config.get(KinesisSinkOptions.FLUSH_MAX_RECORDS),
        config.get(KinesisSinkOptions.FLUSH_MAX_BYTES).bytes(),
        config.get(KinesisSinkOptions.FLUSH_MAX_AGE).toNanos(),
        config.get(KinesisSinkOptions.MAX_OUTSTANDING_RECORDS),
        config.get(KinesisSinkOptions.MAX_OUTSTANDING_BYTES).bytes(),
        config.get(KinesisSinkOptions.MAX_IN_FLIGHT_REQUESTS),
        config.get(KinesisSinkOptions.RETRY_MAX_ATTEMPTS),
        config.get(KinesisSinkOptions.RETRY_TIMEOUT).toNanos(),
        new Backoff(
            config.get(KinesisSinkOptions.RETRY_BACKOFF_INITIAL),
            config.get(KinesisSinkOptions.RETRY_BACKOFF_MULTIPLIER),
            config.get(KinesisSinkOptions.RETRY_BACKOFF_MAX),
            config.get(KinesisSinkOptions.RETRY_BACKOFF_JITTER)),
        config.get(KinesisSinkOptions.AGGREGATION_ENABLED)
            ? (int) config.get(KinesisSinkOptions.AGGREGATION_MAX_BYTES).bytes()
            : 0,
        config.get(KinesisSinkOptions.SHARD_RATE_ENABLED),
        config.get(KinesisSinkOptions.SHARD_RATE_MAX_RECORDS_PER_SECOND),
        config.get(KinesisSinkOptions.SHARD_RATE_MAX_BYTES_PER_SECOND).bytes(),
        config.get(KinesisSinkOptions.SHARD_MAP_REFRESH_INTERVAL).toNanos());
  }

  /** flush.maxAge as a duration. */
  public Duration maxAge() {
    return Duration.ofNanos(maxAgeNanos);
  }
}
