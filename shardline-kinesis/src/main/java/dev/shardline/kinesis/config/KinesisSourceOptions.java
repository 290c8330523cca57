package dev.shardline.kinesis.config;

import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.Configuration;
import dev.shardline.config.DataSize;
import dev.shardline.config.OptionSet;
import dev.shardline.config.Validator;
import dev.shardline.config.Validators;
import dev.shardline.format.BadDataOptions;
import dev.shardline.format.FormatOptions;
import dev.shardline.kinesis.config.internal.ConsumerArn;
import dev.shardline.kinesis.config.internal.InstantType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every option of the Kinesis source, declared once: the Java builder ({@code
 * KinesisSource.builder()}), the YAML keys of the {@code shardline} command and the reference in
 * the module README all come from here. {@link #ALL} adds the shared {@link AwsOptions}, {@link
 * FormatOptions} and {@link BadDataOptions}. Thread-safe (constants only).
 *
 * <pre>{@code
 * # YAML
 * streams: [orders]
 * awsRegion: {type: specific, id: eu-west-1}
 * startupPosition:
 *   type: date                  # latest | earliest | date | sequence-number
 *   date: 2026-03-01T00:00:00Z
 * discovery: {interval: 10s}
 * format: json
 * badData: {policy: dead-letter}
 * }</pre>
 *
 * <p>Defaults are listed on each option; the important ones: start at {@code latest}, discover
 * shards every 10 s, at most one GetRecords per shard every 200 ms, fail on a checkpoint past the
 * stream's retention.
 */
public final class KinesisSourceOptions {
  private KinesisSourceOptions() {}

  private static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

  /** Where a source starts when there is no checkpoint. */
  public enum StartupPositionType {
    /** Records written after the start (the newest end of every open shard). */
    LATEST,
    /** The oldest records still in the stream (TRIM_HORIZON). */
    EARLIEST,
    /** The first record that arrived at or after {@code startupPosition.date} (AT_TIMESTAMP). */
    DATE,
    /** At or after a given sequence number per shard (AT/AFTER_SEQUENCE_NUMBER). */
    SEQUENCE_NUMBER
  }

  /** What to do when a restored position has fallen out of the stream's retention. */
  public enum PastRetentionPolicy {
    /** Stop with an error naming the shard and the position. */
    FAIL,
    /** Start the shard again at its oldest record, logged loudly: records may have been lost. */
    TRIM_HORIZON
  }

  /** How shards are spread over readers. */
  public enum ShardAssignerType {
    /** A hash of the shard id over the readers; children go to their parents' reader. */
    HASH,
    /** The reader with the fewest shards; children go to their parents' reader. */
    UNIFORM
  }

  /** How a reader gets its shards' records. */
  public enum ReaderType {
    /**
     * GetRecords calls, paced per shard; every polling consumer of a stream shares the shard's 2
     * MiB/s and 5 calls/s.
     */
    POLLING,
    /**
     * Enhanced fan-out: SubscribeToShard pushes records to a registered stream consumer, which has
     * 2 MiB/s per shard of its own.
     */
    FAN_OUT
  }

  /** Who registers and deregisters the fan-out stream consumer. */
  public enum ConsumerLifecycle {
    /**
     * The pipeline: registered at start when missing (waited for until ACTIVE), deregistered when
     * the pipeline ends for good (finished, or stopped); kept across restarts after a failure, and
     * when the pipeline fails for good.
     */
    MANAGED,
    /** The user: it must exist (by name or ARN); the pipeline never registers or deregisters it. */
    USER
  }

  public static final ConfigOption<List<String>> STREAMS =
      ConfigOptions.key("streams")
          .stringListType()
          .noDefaultValue()
          .withValidator(Validator.of("must name at least one stream", l -> !l.isEmpty()))
          .withValidator(
              Validator.of(
                  "must be stream names of 1 to 128 letters, digits, _ . or -",
                  l -> l.stream().allMatch(s -> STREAM_NAME.matcher(s).matches())))
          .withDescription("The streams to read, by name. Required.");

  public static final ConfigOption<StartupPositionType> STARTUP_POSITION =
      ConfigOptions.key("startupPosition.type")
          .enumType(StartupPositionType.class)
          .defaultValue(StartupPositionType.LATEST)
          .withDescription(
              "Where to start without a checkpoint: latest (records written from now on),"
                  + " earliest (the oldest records kept), date (startupPosition.date), or"
                  + " sequence-number (startupPosition.sequenceNumbers). Shards created later by"
                  + " resharding are always read from their start.");

  public static final ConfigOption<Instant> STARTUP_DATE =
      ConfigOptions.key("startupPosition.date")
          .type(InstantType.INSTANCE)
          .noDefaultValue()
          .withDescription(
              "For startupPosition.type date: read records that arrived at or after this time,"
                  + " e.g. 2026-03-01T12:00:00Z.");

  public static final ConfigOption<Map<String, String>> STARTUP_SEQUENCE_NUMBERS =
      ConfigOptions.key("startupPosition.sequenceNumbers")
          .stringMapType()
          .noDefaultValue()
          .withValidator(
              Validator.of(
                  "must map shard ids (or stream/shardId) to sequence numbers (digits)",
                  m -> !m.isEmpty() && m.values().stream().allMatch(v -> v.matches("\\d{1,128}"))))
          .withDescription(
              "For startupPosition.type sequence-number: shard id (or stream/shard id) to"
                  + " sequence number. Those shards start after (or at, see"
                  + " startupPosition.inclusive) it; their ancestors are skipped; every other"
                  + " shard starts at its oldest record.");

  public static final ConfigOption<Boolean> STARTUP_INCLUSIVE =
      ConfigOptions.key("startupPosition.inclusive")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "For startupPosition.type sequence-number: true starts AT each sequence number"
                  + " (its record is read again), false right AFTER it.");

  public static final ConfigOption<PastRetentionPolicy> PAST_RETENTION =
      ConfigOptions.key("restore.pastRetention")
          .enumType(PastRetentionPolicy.class)
          .defaultValue(PastRetentionPolicy.FAIL)
          .withDescription(
              "When a position restored from a checkpoint is older than the stream's retention"
                  + " period (its records may be gone): fail (stop, naming the shard), or"
                  + " trim-horizon (restart that shard at its oldest record, logged as an"
                  + " error).");

  public static final ConfigOption<Duration> DISCOVERY_INTERVAL =
      ConfigOptions.key("discovery.interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription("How often the enumerator lists the shards (ListShards).");

  public static final ConfigOption<Integer> GET_RECORDS_MAX =
      ConfigOptions.key("reader.getRecords.maxRecords")
          .intType()
          .defaultValue(10_000)
          .withValidator(Validators.between(1, 10_000))
          .withDescription(
              "The most records one GetRecords call returns. The first call on each shard after"
                  + " it starts (or restarts from a checkpoint) asks for at most 500, so that the"
                  + " first records arrive without waiting for a large answer.");

  public static final ConfigOption<Duration> GET_RECORDS_INTERVAL =
      ConfigOptions.key("reader.getRecords.interval")
          .durationType()
          .defaultValue(Duration.ofMillis(200))
          .withValidator(Validators.atLeast(Duration.ofMillis(200)))
          .withDescription(
              "The shortest time between two GetRecords calls on one shard (Kinesis allows 5"
                  + " per second per shard).");

  public static final ConfigOption<Duration> IDLE_INTERVAL =
      ConfigOptions.key("reader.idleInterval")
          .durationType()
          .defaultValue(Duration.ofSeconds(1))
          .withValidator(Validators.atLeast(Duration.ofMillis(200)))
          .withDescription(
              "The time after a GetRecords call on a shard that is caught up (no records,"
                  + " MillisBehindLatest 0) before the next one; it doubles with each further"
                  + " empty answer in a row up to reader.maxIdleInterval, and any record resets"
                  + " it.");

  public static final ConfigOption<Duration> MAX_IDLE_INTERVAL =
      ConfigOptions.key("reader.maxIdleInterval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withValidator(Validators.atLeast(Duration.ofMillis(200)))
          .withDescription(
              "The longest time between GetRecords calls on a shard that stays caught up: the"
                  + " wait starts at reader.idleInterval and doubles with each empty answer in a"
                  + " row up to this. A record written to a quiet shard is read at most this long"
                  + " (plus one call) after it arrives; the calls after it are at the busy pace"
                  + " again. Lower it for a shorter worst-case delay, at the cost of more calls"
                  + " (CPU on both sides); set it equal to reader.idleInterval for a fixed pace."
                  + " Must be at least reader.idleInterval; when not set and reader.idleInterval"
                  + " is longer than the default, reader.idleInterval (a fixed pace).");

  public static final ConfigOption<DataSize> SHARD_READ_RATE =
      ConfigOptions.key("reader.maxBytesPerSecondPerShard")
          .dataSizeType()
          .defaultValue(DataSize.ofMebibytes(2))
          .withValidator(Validators.greaterThan(DataSize.ofBytes(0)))
          .withDescription(
              "The read budget of one shard: after a GetRecords answer of n bytes the next call"
                  + " on that shard waits n / this rate (Kinesis allows 2 MiB/s per shard).");

  public static final ConfigOption<Integer> MAX_CONCURRENT_REQUESTS =
      ConfigOptions.key("reader.maxConcurrentRequests")
          .intType()
          .defaultValue(32)
          .withValidator(Validators.between(1, 10_000))
          .withDescription(
              "The most Kinesis calls one reader has in flight; shards wait their turn in the"
                  + " order they became due.");

  public static final ConfigOption<ReaderType> READER_TYPE =
      ConfigOptions.key("reader.type")
          .enumType(ReaderType.class)
          .defaultValue(ReaderType.POLLING)
          .withDescription(
              "How readers get records: polling (GetRecords) or fan-out (enhanced fan-out:"
                  + " SubscribeToShard with a stream consumer of its own, over HTTP/2 unless"
                  + " clientConfigProperties.protocol says HTTP1_1).");

  public static final ConfigOption<String> FAN_OUT_CONSUMER_NAME =
      ConfigOptions.key("reader.fanOut.consumerName")
          .stringType()
          .noDefaultValue()
          .withValidator(
              Validator.of(
                  "must be a consumer name of 1 to 128 letters, digits, _ . or -",
                  n -> STREAM_NAME.matcher(n).matches()))
          .withDescription(
              "The name of the stream consumer fan-out reads with (one per stream, the same name"
                  + " on each). Required for reader.type fan-out unless reader.fanOut.consumerArn"
                  + " is given.");

  public static final ConfigOption<String> FAN_OUT_CONSUMER_ARN =
      ConfigOptions.key("reader.fanOut.consumerArn")
          .stringType()
          .noDefaultValue()
          .withValidator(
              Validator.of(
                  "must be a Kinesis stream consumer ARN, " + ConsumerArn.FORM,
                  arn -> ConsumerArn.parse(arn).isPresent()))
          .withDescription(
              "The ARN of an existing stream consumer to read with (one stream only); implies"
                  + " reader.fanOut.consumerLifecycle user.");

  public static final ConfigOption<ConsumerLifecycle> FAN_OUT_CONSUMER_LIFECYCLE =
      ConfigOptions.key("reader.fanOut.consumerLifecycle")
          .enumType(ConsumerLifecycle.class)
          .defaultValue(ConsumerLifecycle.MANAGED)
          .withDescription(
              "Who owns the stream consumer: managed (the pipeline registers it at start when"
                  + " missing and deregisters it when it ends for good) or user (it must exist;"
                  + " never registered or deregistered).");

  public static final ConfigOption<Duration> FAN_OUT_REGISTRATION_TIMEOUT =
      ConfigOptions.key("reader.fanOut.registrationTimeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(2))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription(
              "How long the enumerator and readers wait for the stream consumer to become ACTIVE"
                  + " (DescribeStreamConsumer, with backoff) before the source fails; also the"
                  + " longest the end of a pipeline waits to deregister a managed consumer.");

  public static final ConfigOption<Duration> RETRY_BACKOFF_INITIAL =
      ConfigOptions.key("retry.backoff.initial")
          .durationType()
          .defaultValue(Duration.ofMillis(200))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withFormerKeys("retry.initialBackoff")
          .withDescription(
              "The first wait after a throttled or failed call; it doubles per failure, with"
                  + " jitter of ±50%.");

  public static final ConfigOption<Duration> RETRY_BACKOFF_MAX =
      ConfigOptions.key("retry.backoff.max")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withFormerKeys("retry.maxBackoff")
          .withDescription("The longest wait between retries.");

  public static final ConfigOption<Integer> RETRY_MAX_ATTEMPTS =
      ConfigOptions.key("retry.maxAttempts")
          .intType()
          .defaultValue(10)
          .withValidator(Validators.atLeast(1))
          .withDescription(
              "How many times a call failing with a server error, a timeout or a broken"
                  + " connection is made before the source fails. Throttling is retried without"
                  + " limit.");

  public static final ConfigOption<ShardAssignerType> SHARD_ASSIGNER =
      ConfigOptions.key("shardAssigner")
          .enumType(ShardAssignerType.class)
          .defaultValue(ShardAssignerType.HASH)
          .withDescription(
              "How shards are spread over readers: hash (of the shard id) or uniform (the"
                  + " reader with the fewest shards). Either way a shard created by resharding"
                  + " goes to the reader that read its parent.");

  /** The cross-field rules of these options. */
  public static final ConfigValidator RULES = KinesisSourceOptions::checkConsistent;

  /** The source's own options (without AWS, format and bad-data options). */
  public static final OptionSet OPTIONS = OptionSet.of(KinesisSourceOptions.class);

  /** Every option a Kinesis source reads: its own, {@link AwsOptions}, format and bad data. */
  public static final OptionSet ALL =
      OPTIONS.with(AwsOptions.OPTIONS).with(FormatOptions.OPTIONS).with(BadDataOptions.OPTIONS);

  private static void checkConsistent(Configuration config) {
    if (!config.contains(STREAMS)) {
      throw new ConfigException(
          STREAMS.key(), "Missing option \"streams\": name the streams to read, e.g. [orders]");
    }
    StartupPositionType type = config.get(STARTUP_POSITION);
    if ((type == StartupPositionType.DATE) != config.contains(STARTUP_DATE)) {
      throw new ConfigException(
          STARTUP_DATE.key(),
          type == StartupPositionType.DATE
              ? "startupPosition.type date needs startupPosition.date, e.g. 2026-03-01T12:00:00Z"
              : "startupPosition.date applies only to startupPosition.type date; remove it");
    }
    boolean sequence = type == StartupPositionType.SEQUENCE_NUMBER;
    if (sequence != config.contains(STARTUP_SEQUENCE_NUMBERS)) {
      throw new ConfigException(
          STARTUP_SEQUENCE_NUMBERS.key(),
          sequence
              ? "startupPosition.type sequence-number needs startupPosition.sequenceNumbers,"
                  + " e.g. {shardId-000000000000: \"4959...\"}"
              : "startupPosition.sequenceNumbers applies only to startupPosition.type"
                  + " sequence-number; remove it");
    }
    if (!sequence && config.contains(STARTUP_INCLUSIVE)) {
      throw new ConfigException(
          STARTUP_INCLUSIVE.key(),
          "startupPosition.inclusive applies only to startupPosition.type sequence-number;"
              + " remove it");
    }
    if (config.get(IDLE_INTERVAL).compareTo(config.get(GET_RECORDS_INTERVAL)) < 0) {
      throw new ConfigException(
          IDLE_INTERVAL.key(),
          "reader.idleInterval ("
              + config.get(IDLE_INTERVAL)
              + ") must be at least reader.getRecords.interval ("
              + config.get(GET_RECORDS_INTERVAL)
              + ")");
    }
    if (config.contains(MAX_IDLE_INTERVAL)
        && config.get(MAX_IDLE_INTERVAL).compareTo(config.get(IDLE_INTERVAL)) < 0) {
      throw new ConfigException(
          MAX_IDLE_INTERVAL.key(),
          "reader.maxIdleInterval ("
              + config.get(MAX_IDLE_INTERVAL)
              + ") must be at least reader.idleInterval ("
              + config.get(IDLE_INTERVAL)
              + "); raise it or lower reader.idleInterval");
    }
    if (config.get(RETRY_BACKOFF_MAX).compareTo(config.get(RETRY_BACKOFF_INITIAL)) < 0) {
      throw new ConfigException(
          RETRY_BACKOFF_MAX.key(),
          "retry.backoff.max must be at least retry.backoff.initial; raise it or lower the other");
    }
    checkFanOut(config);
  }

  private static final List<ConfigOption<?>> FAN_OUT_OPTIONS =
      List.of(
          FAN_OUT_CONSUMER_NAME,
          FAN_OUT_CONSUMER_ARN,
          FAN_OUT_CONSUMER_LIFECYCLE,
          FAN_OUT_REGISTRATION_TIMEOUT);

  private static void checkFanOut(Configuration config) {
    if (config.get(READER_TYPE) != ReaderType.FAN_OUT) {
      for (ConfigOption<?> option : FAN_OUT_OPTIONS) {
        if (config.contains(option)) {
          throw new ConfigException(
              option.key(),
              option.key()
                  + " applies only to reader.type fan-out, but reader.type is "
                  + config.get(READER_TYPE).name().toLowerCase(java.util.Locale.ROOT)
                  + "; set reader.type: fan-out, or remove it");
        }
      }
      return;
    }
    Optional<String> name = config.getOptional(FAN_OUT_CONSUMER_NAME);
    Optional<String> arnText = config.getOptional(FAN_OUT_CONSUMER_ARN);
    if (name.isEmpty() && arnText.isEmpty()) {
      throw new ConfigException(
          FAN_OUT_CONSUMER_NAME.key(),
          "reader.type fan-out needs reader.fanOut.consumerName (e.g. consumerName: my-app; the"
              + " pipeline registers it unless reader.fanOut.consumerLifecycle is user) or"
              + " reader.fanOut.consumerArn (a consumer you registered)");
    }
    if (arnText.isEmpty()) {
      return;
    }
    // the option's validator has checked the form
    ConsumerArn arn = ConsumerArn.parse(arnText.get()).orElseThrow();
    List<String> streams = config.get(STREAMS);
    if (streams.size() > 1) {
      throw new ConfigException(
          FAN_OUT_CONSUMER_ARN.key(),
          "reader.fanOut.consumerArn is the consumer of one stream, but streams lists "
              + streams.size()
              + " ("
              + String.join(", ", streams)
              + "); read one stream, or use reader.fanOut.consumerName (the same consumer name"
              + " on each stream) instead");
    }
    if (!arn.stream().equals(streams.get(0))) {
      throw new ConfigException(
          FAN_OUT_CONSUMER_ARN.key(),
          "reader.fanOut.consumerArn is a consumer of stream "
              + arn.stream()
              + ", but the source reads stream "
              + streams.get(0)
              + "; give the ARN of a consumer of "
              + streams.get(0)
              + ", or fix streams");
    }
    if (name.isPresent() && !name.get().equals(arn.consumerName())) {
      throw new ConfigException(
          FAN_OUT_CONSUMER_NAME.key(),
          "reader.fanOut.consumerName is "
              + name.get()
              + ", but reader.fanOut.consumerArn is the consumer named "
              + arn.consumerName()
              + "; set only one of them");
    }
    if (config.contains(FAN_OUT_CONSUMER_LIFECYCLE)
        && config.get(FAN_OUT_CONSUMER_LIFECYCLE) == ConsumerLifecycle.MANAGED) {
      throw new ConfigException(
          FAN_OUT_CONSUMER_LIFECYCLE.key(),
          "A consumer given by reader.fanOut.consumerArn is yours: the pipeline never registers"
              + " or deregisters it, so reader.fanOut.consumerLifecycle cannot be managed;"
              + " remove reader.fanOut.consumerLifecycle (or set it to user), or give"
              + " reader.fanOut.consumerName instead of the ARN for a managed consumer");
    }
  }
}
