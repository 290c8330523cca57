package dev.shardline.kafka.config;

import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.config.Validator;
import dev.shardline.config.Validators;
import dev.shardline.format.BadDataOptions;
import dev.shardline.format.FormatOptions;
import dev.shardline.retry.ServerReachability;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The options of a Kafka source: declared once here, read by {@code KafkaSource.builder()} (which
 * only sets these values), by the CLI's YAML, and by the generated reference in the module README.
 * The source also takes the {@link FormatOptions} and {@link BadDataOptions}. Thread-safe
 * (constants only).
 *
 * <pre>{@code
 * # YAML
 * bootstrapServers: 127.0.0.1:9092,127.0.0.1:9093
 * topics: [orders]
 * groupId: orders-archive
 * startingOffsets:
 *   type: timestamp
 *   timestamp: 2024-05-01T00:00:00Z
 * isolationLevel: read-committed
 * messagesPerSecond: 5000
 * metadataFields: [key, offset, timestamp]
 * format: json
 * properties:
 *   security.protocol: SASL_SSL
 * }</pre>
 *
 * <p>Defaults: start at the earliest offsets, never stop (unbounded), partition discovery every 30
 * s, no rate limit, no metadata fields, {@code read-uncommitted}, no group (offsets are not
 * committed back to Kafka), a 60 s startup timeout.
 */
public final class KafkaSourceOptions {
  private KafkaSourceOptions() {}

  /**
   * Consumer properties the source sets itself; giving them in {@code properties} is refused,
   * naming the option to use instead (or why not).
   */
  static final Map<String, String> RESERVED_CONSUMER_PROPERTIES =
      Map.of(
          "bootstrap.servers", "use the option bootstrapServers",
          "group.id", "use the option groupId or groupIdPrefix",
          "isolation.level", "use the option isolationLevel",
          "enable.auto.commit",
              "the source commits offsets itself when a checkpoint completes; remove it",
          "key.deserializer", "the source reads raw bytes and decodes them with format; remove it",
          "value.deserializer",
              "the source reads raw bytes and decodes them with format; remove it");

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      ConfigOptions.key("bootstrapServers")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.hostAndPortList("127.0.0.1:9092"))
          .withDescription("The brokers to connect to first.");

  public static final ConfigOption<List<String>> TOPICS =
      ConfigOptions.key("topics")
          .stringListType()
          .noDefaultValue()
          .withValidator(
              Validator.of(
                  "must name at least one topic, without empty names",
                  (List<String> topics) ->
                      !topics.isEmpty() && topics.stream().noneMatch(String::isBlank)))
          .withDescription("The topics to read. Give this or topicPattern.");

  public static final ConfigOption<String> TOPIC_PATTERN =
      ConfigOptions.key("topicPattern")
          .stringType()
          .noDefaultValue()
          .withValidator(
              Validator.of(
                  "must be a Java regular expression", KafkaSourceOptions::isRegularExpression))
          .withDescription(
              "Read every topic whose whole name matches this regular expression, including"
                  + " topics created later (found by partition discovery). Give this or topics.");

  public static final ConfigOption<String> GROUP_ID =
      ConfigOptions.key("groupId")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.notBlank())
          .withDescription(
              "The consumer group the source commits its checkpointed offsets to, for lag"
                  + " monitoring only (positions come from the checkpoint), and whose offsets"
                  + " startingOffsets.type committed starts from. Without it and groupIdPrefix,"
                  + " nothing is committed to Kafka.");

  public static final ConfigOption<String> GROUP_ID_PREFIX =
      ConfigOptions.key("groupIdPrefix")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.notBlank())
          .withDescription(
              "Instead of groupId: the group id is this prefix, a dash and the topics (joined by"
                  + " '_') or the topic pattern, e.g. shardline-orders.");

  public static final ConfigOption<StartingOffsetsType> STARTING_OFFSETS =
      ConfigOptions.key("startingOffsets.type")
          .enumType(StartingOffsetsType.class)
          .defaultValue(StartingOffsetsType.EARLIEST)
          .withDescription(
              "Where to start partitions that are not in a checkpoint, at the first start:"
                  + " earliest, latest, timestamp (startingOffsets.timestamp) or committed (the"
                  + " group's offsets). Partitions found later while running start at earliest.");

  public static final ConfigOption<String> STARTING_TIMESTAMP =
      ConfigOptions.key("startingOffsets.timestamp")
          .stringType()
          .noDefaultValue()
          .withValidator(KafkaSourceOptions.instant())
          .withDescription(
              "For startingOffsets.type timestamp: start at the first record with this timestamp"
                  + " or later (the end of the partition when there is none).");

  public static final ConfigOption<OffsetReset> STARTING_RESET_TO =
      ConfigOptions.key("startingOffsets.resetTo")
          .enumType(OffsetReset.class)
          .defaultValue(OffsetReset.EARLIEST)
          .withDescription(
              "For startingOffsets.type committed: where to start partitions the group has no"
                  + " committed offset for.");

  public static final ConfigOption<StoppingOffsetsType> STOPPING_OFFSETS =
      ConfigOptions.key("stoppingOffsets.type")
          .enumType(StoppingOffsetsType.class)
          .defaultValue(StoppingOffsetsType.NONE)
          .withDescription(
              "Where to stop: none (the source is unbounded), latest (the end of each partition"
                  + " when the source first starts; with isolationLevel read-committed its last"
                  + " stable offset) or timestamp (the first record at or after"
                  + " stoppingOffsets.timestamp, else the end). Other than none, the source is"
                  + " bounded: stopping offsets are resolved once, at the first start, and kept"
                  + " in checkpoints; only the partitions of the first listing are read (no"
                  + " partition discovery); the pipeline ends once every partition reached its"
                  + " stopping offset.");

  public static final ConfigOption<String> STOPPING_TIMESTAMP =
      ConfigOptions.key("stoppingOffsets.timestamp")
          .stringType()
          .noDefaultValue()
          .withValidator(KafkaSourceOptions.instant())
          .withDescription(
              "For stoppingOffsets.type timestamp: stop each partition before its first record"
                  + " with this timestamp or later (at its end, when the source first starts, if"
                  + " there is none).");

  public static final ConfigOption<Duration> DISCOVERY_INTERVAL =
      ConfigOptions.key("discovery.interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withValidator(Validators.atLeast(Duration.ZERO))
          .withFormerKeys("partitionDiscoveryInterval")
          .withDescription(
              "How often the source lists the topics' partitions to pick up new partitions (and"
                  + " new topics matching topicPattern). 0ms lists them only once, at start.");

  public static final ConfigOption<Double> MESSAGES_PER_SECOND =
      ConfigOptions.key("messagesPerSecond")
          .doubleType()
          .defaultValue(0.0)
          .withValidator(Validators.atLeast(0.0))
          .withDescription(
              "At most this many records per second for the whole source, divided evenly over"
                  + " its readers (each reader gets the limit divided by the parallelism). 0 means"
                  + " no limit.");

  public static final ConfigOption<List<String>> METADATA_FIELDS =
      ConfigOptions.key("metadataFields")
          .stringListType()
          .defaultValue(List.of())
          .withValidator(
              Validator.of(
                  "must list only key, topic, partition, offset, timestamp and headers",
                  KafkaSourceOptions::areMetadataFields))
          .withDescription(
              "Kafka fields to hand downstream with each value: any of key, topic, partition,"
                  + " offset, timestamp, headers. When set, the source emits KafkaRecord objects"
                  + " (the value plus these fields) instead of bare values.");

  public static final ConfigOption<IsolationLevel> ISOLATION_LEVEL =
      ConfigOptions.key("isolationLevel")
          .enumType(IsolationLevel.class)
          .defaultValue(IsolationLevel.READ_UNCOMMITTED)
          .withDescription(
              "read-committed reads only committed records of transactional producers (use it"
                  + " behind an exactly-once Kafka sink); read-uncommitted reads everything.");

  public static final ConfigOption<Duration> STARTUP_TIMEOUT =
      ConfigOptions.key("startupTimeout")
          .durationType()
          .defaultValue(Duration.ofSeconds(60))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription(
              "How long the first listing of partitions may keep failing (brokers unreachable)"
                  + " before the source fails with an error naming bootstrapServers. Longer than"
                  + " unreachableTimeout, which applies once the source has started, so that"
                  + " brokers starting together with the pipeline are waited for.");

  public static final ConfigOption<Duration> UNREACHABLE_TIMEOUT =
      ConfigOptions.key("unreachableTimeout")
          .durationType()
          .defaultValue(ServerReachability.DEFAULT_LIMIT)
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription(
              "Once the source has started: how long the brokers may give no answer (connection"
                  + " refused, no route, timeouts) before it fails with an error naming"
                  + " bootstrapServers. When a reader with partitions to read gets no response for"
                  + " 2s, it tries to connect to the bootstrap servers: if none accepts, a WARN"
                  + " names them and the cause at once, and the limit counts from then (an INFO"
                  + " when the brokers answer again). Listings of partitions that fail count"
                  + " against it too, from the first that failed. A failure restarts the pipeline"
                  + " from its last checkpoint as its restart policy allows.");

  public static final ConfigOption<Map<String, String>> PROPERTIES =
      ConfigOptions.key("properties")
          .stringMapType()
          .defaultValue(Map.of())
          .withDescription(
              "Kafka consumer properties passed through unchanged, e.g. security.protocol,"
                  + " sasl.jaas.config, max.poll.records, auto.offset.reset (default none: an"
                  + " offset that is no longer in the log fails the source). Values whose keys"
                  + " suggest secrets (password, jaas, ...) are never shown. bootstrap.servers,"
                  + " group.id, isolation.level, enable.auto.commit and the deserializers are set"
                  + " by the options above.");

  /** The cross-field rules, run once after every value passed its own rules. */
  public static final ConfigValidator RULES = KafkaSourceOptions::checkConsistent;

  /** These options, the format options and the bad-data options, with their rules. */
  public static final OptionSet OPTIONS =
      OptionSet.of(KafkaSourceOptions.class, FormatOptions.class, BadDataOptions.class);

  /** The metadata fields {@code config} picks, in declaration order. */
  public static Set<MetadataField> metadataFields(Configuration config) {
    Set<MetadataField> fields = EnumSet.noneOf(MetadataField.class);
    for (String name : config.get(METADATA_FIELDS)) {
      fields.add(MetadataField.fromConfigName(name));
    }
    return fields;
  }

  /** The starting timestamp of {@code startingOffsets.timestamp}. */
  public static Instant startingTimestamp(Configuration config) {
    return parseInstant(config.get(STARTING_TIMESTAMP));
  }

  /** The stopping timestamp of {@code stoppingOffsets.timestamp}. */
  public static Instant stoppingTimestamp(Configuration config) {
    return parseInstant(config.get(STOPPING_TIMESTAMP));
  }

  /** Whether {@code stoppingOffsets.type} makes the source bounded. */
  public static boolean isBounded(Configuration config) {
    return config.get(STOPPING_OFFSETS) != StoppingOffsetsType.NONE;
  }

  /**
   * The group id offsets are committed to: {@code groupId}, or {@code groupIdPrefix} with the
   * topics; empty when neither is set.
   */
  public static java.util.Optional<String> groupId(Configuration config) {
    if (config.contains(GROUP_ID)) {
      return java.util.Optional.of(config.get(GROUP_ID));
    }
    if (config.contains(GROUP_ID_PREFIX)) {
      String suffix =
          config.contains(TOPICS)
              ? String.join("_", config.get(TOPICS))
              : config.get(TOPIC_PATTERN).replaceAll("[^A-Za-z0-9._-]", "_");
      return java.util.Optional.of(config.get(GROUP_ID_PREFIX) + "-" + suffix);
    }
    return java.util.Optional.empty();
  }

  private static void checkConsistent(Configuration config) {
    boolean topics = config.contains(TOPICS);
    boolean pattern = config.contains(TOPIC_PATTERN);
    if (topics == pattern) {
      throw new ConfigException(
          topics
              ? "Both topics and topicPattern are set; keep one"
              : "A Kafka source needs topics (a list of names) or topicPattern (a regular"
                  + " expression); set one");
    }
    config.get(BOOTSTRAP_SERVERS);
    if (config.contains(GROUP_ID) && config.contains(GROUP_ID_PREFIX)) {
      throw new ConfigException(
          GROUP_ID_PREFIX.key(), "Both groupId and groupIdPrefix are set; keep one");
    }
    StartingOffsetsType start = config.get(STARTING_OFFSETS);
    checkTimestamp(
        config, STARTING_OFFSETS, start == StartingOffsetsType.TIMESTAMP, STARTING_TIMESTAMP);
    if (start == StartingOffsetsType.COMMITTED && groupId(config).isEmpty()) {
      throw new ConfigException(
          STARTING_OFFSETS.key(),
          "startingOffsets.type committed starts from a consumer group's offsets; set groupId"
              + " (or groupIdPrefix)");
    }
    if (start != StartingOffsetsType.COMMITTED && config.contains(STARTING_RESET_TO)) {
      throw new ConfigException(
          STARTING_RESET_TO.key(),
          "startingOffsets.resetTo applies only to startingOffsets.type committed; remove it");
    }
    StoppingOffsetsType stop = config.get(STOPPING_OFFSETS);
    checkTimestamp(
        config, STOPPING_OFFSETS, stop == StoppingOffsetsType.TIMESTAMP, STOPPING_TIMESTAMP);
    if (stop != StoppingOffsetsType.NONE
        && config.contains(DISCOVERY_INTERVAL)
        && !config.get(DISCOVERY_INTERVAL).isZero()) {
      throw new ConfigException(
          DISCOVERY_INTERVAL.key(),
          "A bounded source (stoppingOffsets.type "
              + stop.name().toLowerCase(java.util.Locale.ROOT)
              + ") lists its partitions once, at the first start, and reads no partition found"
              + " later; remove discovery.interval");
    }
    for (String key : config.get(PROPERTIES).keySet()) {
      String fix = RESERVED_CONSUMER_PROPERTIES.get(key);
      if (fix != null) {
        throw new ConfigException(
            PROPERTIES.key() + "." + key,
            "The consumer property " + key + " is set by the Kafka source; " + fix);
      }
    }
  }

  /** {@code timestamp} is set exactly when {@code type} (e.g. startingOffsets.type) says so. */
  private static void checkTimestamp(
      Configuration config,
      ConfigOption<?> type,
      boolean isTimestampType,
      ConfigOption<String> timestamp) {
    if (isTimestampType && !config.contains(timestamp)) {
      throw new ConfigException(
          timestamp.key(),
          type.key() + " timestamp needs " + timestamp.key() + ", e.g. 2024-05-01T00:00:00Z");
    }
    if (!isTimestampType && config.contains(timestamp)) {
      throw new ConfigException(
          timestamp.key(),
          timestamp.key()
              + " applies only to "
              + type.key()
              + " timestamp; remove it or set "
              + type.key()
              + ": timestamp");
    }
  }

  static boolean isRegularExpression(String text) {
    try {
      Pattern.compile(text);
      return !text.isEmpty();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  private static boolean areMetadataFields(List<String> names) {
    for (String name : names) {
      try {
        MetadataField.fromConfigName(name);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return true;
  }

  /** Accepts what {@link #parseInstant} reads. */
  private static Validator<String> instant() {
    return Validator.of(
        "must be an ISO-8601 instant such as 2024-05-01T00:00:00Z, or milliseconds since the"
            + " epoch",
        (String text) -> parseInstant(text) != null);
  }

  /** An ISO-8601 instant or epoch milliseconds; null when it is neither. */
  static Instant parseInstant(String text) {
    String trimmed = text.trim();
    if (trimmed.matches("-?\\d+")) {
      try {
        return Instant.ofEpochMilli(Long.parseLong(trimmed));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    try {
      return Instant.parse(trimmed);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
