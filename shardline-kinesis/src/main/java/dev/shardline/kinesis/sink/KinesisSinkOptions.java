package dev.shardline.kinesis.sink;

import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.Configuration;
import dev.shardline.config.DataSize;
import dev.shardline.config.OptionSet;
import dev.shardline.config.Validators;
import dev.shardline.format.FormatOptions;
import dev.shardline.format.Framing;
import dev.shardline.kinesis.config.AwsOptions;
import java.time.Duration;

/**
 * The options of the Kinesis sink, declared once for the Java builder, the CLI's YAML and the
 * generated reference ({@code shardline-kinesis/docs/sink.md}). Keys are nested camelCase, as in
 * the Flink Stateful Functions Kinesis egress spec:
 *
 * <pre>{@code
 * stream: orders-out
 * flush:
 *   maxRecords: 500
 *   maxBytes: 4MB
 *   maxAge: 1s
 * maxOutstandingRecords: 10000
 * aggregation:
 *   enabled: true
 * retry:
 *   maxAttempts: 20
 *   timeout: 2m
 * }</pre>
 *
 * <p>{@link #OPTIONS} also holds the record format options ({@link FormatOptions}). Every default
 * is in the table of {@code docs/sink.md}. Thread-safe (constants only).
 */
public final class KinesisSinkOptions {
  private KinesisSinkOptions() {}

  /** The largest PutRecords request, partition keys included: 5 MiB. */
  public static final DataSize MAX_REQUEST_BYTES = DataSize.ofMebibytes(5);

  /** The most records one PutRecords request may carry. */
  public static final int MAX_REQUEST_RECORDS = 500;

  /** The largest Kinesis record: 1 MiB of data plus partition key. */
  public static final DataSize MAX_RECORD_BYTES = DataSize.ofMebibytes(1);

  public static final ConfigOption<String> STREAM =
      ConfigOptions.key("stream")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.notBlank())
          .withDescription(
              "The Kinesis data stream to write to, by name. Required unless the Java builder"
                  + " gives a per-record stream function.");

  public static final ConfigOption<Integer> FLUSH_MAX_RECORDS =
      ConfigOptions.key("flush.maxRecords")
          .intType()
          .defaultValue(MAX_REQUEST_RECORDS)
          .withValidator(Validators.between(1, MAX_REQUEST_RECORDS))
          .withDescription(
              "Send a PutRecords request once this many Kinesis records are buffered; also the"
                  + " most records in one request (an aggregated record counts as one).");

  public static final ConfigOption<DataSize> FLUSH_MAX_BYTES =
      ConfigOptions.key("flush.maxBytes")
          .dataSizeType()
          .defaultValue(DataSize.ofMegabytes(4))
          .withValidator(Validators.between(DataSize.ofBytes(1), MAX_REQUEST_BYTES))
          .withDescription(
              "Send a PutRecords request once this many bytes (data plus partition keys) are"
                  + " buffered; also the largest request (a single larger record still goes"
                  + " alone).");

  public static final ConfigOption<Duration> FLUSH_MAX_AGE =
      ConfigOptions.key("flush.maxAge")
          .durationType()
          .defaultValue(Duration.ofSeconds(1))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription(
              "Send buffered records once the oldest is this old, however few they are. Every"
                  + " checkpoint also sends everything and waits for it.");

  public static final ConfigOption<Integer> MAX_OUTSTANDING_RECORDS =
      ConfigOptions.key("maxOutstandingRecords")
          .intType()
          .defaultValue(10_000)
          .withValidator(Validators.atLeast(1))
          .withDescription(
              "Backpressure: write waits (yielding its thread to the runtime's mailbox) while"
                  + " this many records are written but not yet acknowledged by Kinesis (buffered,"
                  + " in flight or waiting for a retry). At least flush.maxRecords.");

  public static final ConfigOption<DataSize> MAX_OUTSTANDING_BYTES =
      ConfigOptions.key("maxOutstandingBytes")
          .dataSizeType()
          .defaultValue(DataSize.ofMebibytes(32))
          .withValidator(Validators.atLeast(DataSize.ofBytes(1)))
          .withDescription(
              "Backpressure: write waits (yielding its thread to the runtime's mailbox) while the"
                  + " records written but not yet acknowledged hold this many bytes (data plus"
                  + " partition keys). At least flush.maxBytes.");

  public static final ConfigOption<Integer> MAX_IN_FLIGHT_REQUESTS =
      ConfigOptions.key("maxInFlightRequests")
          .intType()
          .defaultValue(16)
          .withValidator(Validators.between(1, 1_000))
          .withDescription(
              "The most PutRecords requests in flight at once per writer. Requests to different"
                  + " shards go in parallel up to this bound; a shard never has more than one.");

  public static final ConfigOption<Integer> RETRY_MAX_ATTEMPTS =
      ConfigOptions.key("retry.maxAttempts")
          .intType()
          .defaultValue(20)
          .withValidator(Validators.atLeast(1))
          .withDescription(
              "The most times one record is sent (the first attempt included) before the sink"
                  + " fails, naming the stream, the shard and the last error code.");

  public static final ConfigOption<Duration> RETRY_TIMEOUT =
      ConfigOptions.key("retry.timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(2))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription(
              "No retry of a record starts later than this after its first attempt; then the"
                  + " sink fails, naming the stream, the shard and the last error code.");

  public static final ConfigOption<Duration> RETRY_BACKOFF_INITIAL =
      ConfigOptions.key("retry.backoff.initial")
          .durationType()
          .defaultValue(Duration.ofMillis(100))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription("The wait before a shard's first retry after a failure.");

  public static final ConfigOption<Duration> RETRY_BACKOFF_MAX =
      ConfigOptions.key("retry.backoff.max")
          .durationType()
          .defaultValue(Duration.ofSeconds(5))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription("The longest wait between retries. At least retry.backoff.initial.");

  public static final ConfigOption<Double> RETRY_BACKOFF_MULTIPLIER =
      ConfigOptions.key("retry.backoff.multiplier")
          .doubleType()
          .defaultValue(2.0)
          .withValidator(Validators.between(1.0, 10.0))
          .withDescription("How much the wait grows with each failure of a shard in a row.");

  public static final ConfigOption<Double> RETRY_BACKOFF_JITTER =
      ConfigOptions.key("retry.backoff.jitter")
          .doubleType()
          .defaultValue(0.2)
          .withValidator(Validators.between(0.0, 1.0))
          .withDescription(
              "The random spread of each wait, as a fraction of it, so writers that failed together"
                  + " do not retry together.");

  public static final ConfigOption<Duration> REQUEST_TIMEOUT =
      ConfigOptions.key("request.timeout")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription(
              "How long one PutRecords attempt may take before it is given up and retried. A"
                  + " request that timed out may still have been written: its records can appear"
                  + " twice.");

  public static final ConfigOption<Boolean> AGGREGATION_ENABLED =
      ConfigOptions.key("aggregation.enabled")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "Pack many records of one shard into one Kinesis record in the documented KPL"
                  + " aggregation format, which the KCL and Shardline's Kinesis source"
                  + " de-aggregate. Fewer Kinesis records count against the 1,000 records/s shard"
                  + " limit.");

  public static final ConfigOption<DataSize> AGGREGATION_MAX_BYTES =
      ConfigOptions.key("aggregation.maxBytes")
          .dataSizeType()
          .defaultValue(DataSize.ofBytes(51_200))
          .withValidator(Validators.between(DataSize.ofBytes(64), MAX_RECORD_BYTES))
          .withDescription(
              "The largest aggregated record, partition key included. A record too large to"
                  + " share one goes alone, not aggregated.");

  public static final ConfigOption<Boolean> SHARD_RATE_ENABLED =
      ConfigOptions.key("shardRate.enabled")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Pace each shard's writes with an adaptive rate: it starts at"
                  + " shardRate.maxRecordsPerSecond and shardRate.maxBytesPerSecond, drops when"
                  + " the shard throttles and climbs back on success, so a throttled shard does"
                  + " not slow the others. Turn it off for servers without per-shard quotas.");

  public static final ConfigOption<Integer> SHARD_RATE_MAX_RECORDS_PER_SECOND =
      ConfigOptions.key("shardRate.maxRecordsPerSecond")
          .intType()
          .defaultValue(1_000)
          .withValidator(Validators.atLeast(1))
          .withDescription(
              "The highest rate of Kinesis records per second one writer sends to one shard: the"
                  + " Kinesis per-shard write quota.");

  public static final ConfigOption<DataSize> SHARD_RATE_MAX_BYTES_PER_SECOND =
      ConfigOptions.key("shardRate.maxBytesPerSecond")
          .dataSizeType()
          .defaultValue(DataSize.ofMebibytes(1))
          .withValidator(Validators.atLeast(DataSize.ofBytes(1024)))
          .withDescription(
              "The highest rate of bytes (data plus partition keys) per second one writer sends"
                  + " to one shard: the Kinesis per-shard write quota.");

  public static final ConfigOption<Duration> SHARD_MAP_REFRESH_INTERVAL =
      ConfigOptions.key("shardMap.refreshInterval")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription(
              "How often the shard map (ListShards) behind the shard prediction is listed again."
                  + " It is also listed at once when Kinesis puts a record in another shard than"
                  + " predicted (resharding).");

  public static final ConfigOption<InvalidRecordPolicy> INVALID_RECORDS_POLICY =
      ConfigOptions.key("invalidRecords.policy")
          .enumType(InvalidRecordPolicy.class)
          .defaultValue(InvalidRecordPolicy.FAIL)
          .withDescription(
              "What to do with a record Kinesis would refuse (over 1 MiB with its partition key,"
                  + " an empty or over-long partition key, a bad explicit hash key), that the"
                  + " format cannot serialize, or that the partition key, explicit hash key or"
                  + " stream function fails on (a JSON field of a record that is not JSON): fail"
                  + " (the write throws, naming the record) or"
                  + " dead-letter (sent to the pipeline's dead-letter sink; needs one). A format"
                  + " that cannot work at all (a schema registry that gives no answer) is not the"
                  + " record's fault: the write fails with its error under either policy.");

  /** The cross-field rules. */
  public static final ConfigValidator RULES = KinesisSinkOptions::checkConsistent;

  /** The sink's own options and rules (the table of {@code docs/sink.md}). */
  public static final OptionSet OPTIONS = OptionSet.of(KinesisSinkOptions.class);

  /** Every option a Kinesis sink reads: its own, {@link AwsOptions}, and the record format. */
  public static final OptionSet ALL = OPTIONS.with(AwsOptions.OPTIONS).with(FormatOptions.OPTIONS);

  private static void checkConsistent(Configuration config) {
    int maxRecords = config.get(FLUSH_MAX_RECORDS);
    if (config.get(MAX_OUTSTANDING_RECORDS) < maxRecords) {
      throw new ConfigException(
          MAX_OUTSTANDING_RECORDS.key(),
          "Option \""
              + MAX_OUTSTANDING_RECORDS.key()
              + "\" ("
              + config.get(MAX_OUTSTANDING_RECORDS)
              + ") must be at least flush.maxRecords ("
              + maxRecords
              + "), or a full buffer could never fill a request");
    }
    DataSize maxBytes = config.get(FLUSH_MAX_BYTES);
    if (config.get(MAX_OUTSTANDING_BYTES).compareTo(maxBytes) < 0) {
      throw new ConfigException(
          MAX_OUTSTANDING_BYTES.key(),
          "Option \""
              + MAX_OUTSTANDING_BYTES.key()
              + "\" ("
              + config.get(MAX_OUTSTANDING_BYTES)
              + ") must be at least flush.maxBytes ("
              + maxBytes
              + "), or a full buffer could never fill a request");
    }
    if (config.get(RETRY_BACKOFF_MAX).compareTo(config.get(RETRY_BACKOFF_INITIAL)) < 0) {
      throw new ConfigException(
          RETRY_BACKOFF_MAX.key(),
          "Option \""
              + RETRY_BACKOFF_MAX.key()
              + "\" ("
              + config.get(RETRY_BACKOFF_MAX)
              + ") must be at least retry.backoff.initial ("
              + config.get(RETRY_BACKOFF_INITIAL)
              + ")");
    }
    if (config.getOptional(FormatOptions.FRAMING).orElse(Framing.NONE) != Framing.NONE) {
      throw new ConfigException(
          FormatOptions.FRAMING.key(),
          "Option \"framing\" must be none for the Kinesis sink: it writes one value per Kinesis"
              + " record (use aggregation.enabled to pack many into one)");
    }
  }
}
