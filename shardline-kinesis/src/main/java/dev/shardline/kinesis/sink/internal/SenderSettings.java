package dev.shardline.kinesis.sink.internal;

import static dev.shardline.kinesis.sink.KinesisSinkOptions.*;

import dev.shardline.config.Configuration;
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
        config.get(FLUSH_MAX_RECORDS),
        config.get(FLUSH_MAX_BYTES).bytes(),
        config.get(FLUSH_MAX_AGE).toNanos(),
        config.get(MAX_OUTSTANDING_RECORDS),
        config.get(MAX_OUTSTANDING_BYTES).bytes(),
        config.get(MAX_IN_FLIGHT_REQUESTS),
        config.get(RETRY_MAX_ATTEMPTS),
        config.get(RETRY_TIMEOUT).toNanos(),
        new Backoff(
            config.get(RETRY_BACKOFF_INITIAL),
            config.get(RETRY_BACKOFF_MULTIPLIER),
            config.get(RETRY_BACKOFF_MAX),
            config.get(RETRY_BACKOFF_JITTER)),
        config.get(AGGREGATION_ENABLED) ? (int) config.get(AGGREGATION_MAX_BYTES).bytes() : 0,
        config.get(SHARD_RATE_ENABLED),
        config.get(SHARD_RATE_MAX_RECORDS_PER_SECOND),
        config.get(SHARD_RATE_MAX_BYTES_PER_SECOND).bytes(),
        config.get(SHARD_MAP_REFRESH_INTERVAL).toNanos());
  }

  /** flush.maxAge as a duration. */
  public Duration maxAge() {
    return Duration.ofNanos(maxAgeNanos);
  }
}
