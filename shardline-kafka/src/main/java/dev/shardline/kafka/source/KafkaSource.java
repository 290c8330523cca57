package dev.shardline.kafka.source;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.Boundedness;
import dev.shardline.api.Source;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.Configuration;
import dev.shardline.format.BytesFormat;
import dev.shardline.format.DeserializationSchema;
import dev.shardline.format.Format;
import dev.shardline.format.FormatOptions;
import dev.shardline.format.RecordDecoder;
import dev.shardline.kafka.config.IsolationLevel;
import dev.shardline.kafka.config.KafkaConnectorBuilder;
import dev.shardline.kafka.config.KafkaSourceOptions;
import dev.shardline.kafka.config.MetadataField;
import dev.shardline.kafka.config.OffsetReset;
import dev.shardline.kafka.config.StartingOffsetsType;
import dev.shardline.kafka.config.StoppingOffsetsType;
import dev.shardline.kafka.internal.ClientProperties;
import dev.shardline.kafka.internal.ClusterProbe;
import dev.shardline.kafka.internal.ClusterWatch;
import dev.shardline.kafka.source.enumerator.AdminMetadataClient;
import dev.shardline.kafka.source.enumerator.KafkaEnumeratorState;
import dev.shardline.kafka.source.enumerator.KafkaEnumeratorStateSerializer;
import dev.shardline.kafka.source.enumerator.KafkaMetadataClient;
import dev.shardline.kafka.source.enumerator.KafkaSourceEnumerator;
import dev.shardline.kafka.source.enumerator.StartingOffsets;
import dev.shardline.kafka.source.enumerator.StoppingOffsets;
import dev.shardline.kafka.source.enumerator.TopicSelection;
import dev.shardline.kafka.source.reader.KafkaSourceReader;
import dev.shardline.kafka.source.reader.RecordEmitter;
import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import dev.shardline.kafka.source.split.KafkaPartitionSplitSerializer;
import dev.shardline.state.VersionedSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads Kafka topics with checkpointed offsets: after a restore every partition continues at the
 * offset after the last record handed downstream, so no record is read twice and none is skipped.
 *
 * <ul>
 *   <li><b>Partitions</b> are listed by the enumerator (at start and every {@code
 *       discovery.interval}) and assigned to readers by index; partitions added while running, and
 *       new topics matching {@code topicPattern}, are picked up and read from their earliest
 *       offset.
 *   <li><b>Readers</b>: one {@code KafkaConsumer} per reader (manually assigned, no group
 *       membership), polled by a fetch thread of the reader's own; the worker thread never blocks.
 *   <li><b>Bounded</b> with {@code stoppingOffsets} (latest or a timestamp): each partition of the
 *       first listing is read up to its stopping offset, resolved at the first start and kept in
 *       checkpoints; the source then ends, and the pipeline with it. Partitions created later are
 *       not read.
 *   <li><b>Offsets</b> live in the checkpoint; with {@code groupId} (or {@code groupIdPrefix}) they
 *       are also committed to that group when a checkpoint completes, for lag tools only.
 *   <li><b>Rate limit</b> {@code messagesPerSecond}: a token bucket per reader holding the limit
 *       divided by the parallelism.
 *   <li><b>Values</b> are decoded by the configured format under the bad-data policy (coordinates
 *       {@code topic}, {@code partition}, {@code offset}); with {@code metadataFields} the source
 *       emits {@link KafkaRecord}s.
 * </ul>
 *
 * <pre>{@code
 * KafkaSource<JsonNode> orders =
 *     KafkaSource.builder().format(JsonFormat.forJsonNode())
 *         .bootstrapServers("127.0.0.1:9092")
 *         .topics("orders")
 *         .groupId("orders-archive")
 *         .startingOffsets(StartingOffsetsType.LATEST)
 *         .isolationLevel(IsolationLevel.READ_COMMITTED)
 *         .build();
 * Pipeline.from(orders).to(sink).build().run();
 *
 * // or from configuration (YAML), format and bad-data policy included
 * KafkaSource<?> source = KafkaSource.fromConfiguration(KafkaSourceOptions.OPTIONS.read(yaml));
 * }</pre>
 *
 * <p>Defaults are those of {@link KafkaSourceOptions}. The identity, under which checkpoints are
 * stored, is {@code kafka:<topics joined by ','>} or {@code kafka:pattern:<regex>}: a checkpoint of
 * other topics is refused. Immutable and thread-safe.
 *
 * <p>Serializable, so that it can be shipped to Flink: it holds its {@link Configuration}, its
 * value format and its record emitter only; the consumers (one per reader, with its fetch thread)
 * and the enumerator's admin client are made by {@link #createReader} and {@link
 * #createEnumerator}.
 *
 * @param <T> the records it emits
 */
public final class KafkaSource<T> implements Source<T, KafkaPartitionSplit, KafkaEnumeratorState> {
  private static final long serialVersionUID = 1L;

  private final Configuration config;
  private final DeserializationSchema<?> schema;
  private final RecordEmitter<Object, T> emitter;
  private final TopicSelection topics;
  private final String identity;

  @SuppressWarnings("unchecked")
  private KafkaSource(
      Configuration config, DeserializationSchema<?> schema, RecordEmitter<?, T> emitter) {
    this.config = config;
    this.schema = schema;
    this.emitter = (RecordEmitter<Object, T>) emitter;
    this.topics =
        config.contains(KafkaSourceOptions.TOPICS)
            ? TopicSelection.topics(config.get(KafkaSourceOptions.TOPICS))
            : TopicSelection.pattern(config.get(KafkaSourceOptions.TOPIC_PATTERN));
    this.identity =
        "kafka:"
            + (topics.isPattern()
                ? "pattern:" + config.get(KafkaSourceOptions.TOPIC_PATTERN)
                : String.join(",", new java.util.TreeSet<>(topics.topics())));
  }

  /**
   * A builder starting from the defaults, decoding values as raw bytes; {@link Builder#format} or
   * {@link Builder#deserializer} decodes them otherwise. Every connector's builder starts this way
   * ({@code KinesisSource.builder()}, {@code KinesisSink.builder()}, {@link KafkaSink#builder()}).
   */
  public static Builder<byte[]> builder() {
    return new Builder<>(BytesFormat.INSTANCE);
  }

  /**
   * The same from options as YAML gives them (nested or dotted keys), as every connector's {@code
   * fromConfiguration} takes them.
   *
   * @throws ConfigException naming the first invalid, unknown or inconsistent option
   */
  public static KafkaSource<?> fromConfiguration(Map<?, ?> yaml) {
    checkNotNull(yaml, "yaml");
    return fromConfiguration(Configuration.fromMap(yaml));
  }

  /**
   * A source as {@code config} says ({@link KafkaSourceOptions#OPTIONS}: the Kafka options, the
   * format and the bad-data policy). It emits the decoded values, or {@link KafkaRecord}s when
   * {@code metadataFields} is set.
   *
   * @throws ConfigException naming the first invalid, unknown or inconsistent option
   */
  public static KafkaSource<?> fromConfiguration(Configuration config) {
    Configuration valid = KafkaSourceOptions.OPTIONS.validate(checkNotNull(config, "config"));
    DeserializationSchema<?> schema = FormatOptions.createFormat(valid);
    Set<MetadataField> fields = KafkaSourceOptions.metadataFields(valid);
    return new KafkaSource<>(
        valid,
        schema,
        fields.isEmpty() ? RecordEmitter.valueOnly() : RecordEmitter.withMetadata(fields));
  }

  /** The validated configuration (secrets masked in its {@code toString()}). */
  public Configuration configuration() {
    return config;
  }

  /** The consumer group checkpointed offsets are committed to, if any. */
  public java.util.Optional<String> groupId() {
    return KafkaSourceOptions.groupId(config);
  }

  @Override
  public String identity() {
    return identity;
  }

  /** {@link KafkaRecord} with metadata fields, else the value format's class. */
  @Override
  public Class<?> recordClass() {
    return emitter.emitsKafkaRecords() ? KafkaRecord.class : schema.producedClass();
  }

  @Override
  public Boundedness boundedness() {
    return KafkaSourceOptions.isBounded(config)
        ? Boundedness.BOUNDED
        : Boundedness.CONTINUOUS_UNBOUNDED;
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaEnumeratorState> createEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context) {
    return enumerator(context, null);
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaEnumeratorState> restoreEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaEnumeratorState checkpoint) {
    return enumerator(context, checkNotNull(checkpoint, "checkpoint"));
  }

  private KafkaSourceEnumerator enumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaEnumeratorState restored) {
    StartingOffsetsType type = config.get(KafkaSourceOptions.STARTING_OFFSETS);
    StartingOffsets starting =
        new StartingOffsets(
            type,
            type == StartingOffsetsType.TIMESTAMP
                ? KafkaSourceOptions.startingTimestamp(config)
                : null,
            config.get(KafkaSourceOptions.STARTING_RESET_TO),
            groupId().orElse(null));
    StoppingOffsetsType stopType = config.get(KafkaSourceOptions.STOPPING_OFFSETS);
    StoppingOffsets stopping =
        new StoppingOffsets(
            stopType,
            stopType == StoppingOffsetsType.TIMESTAMP
                ? KafkaSourceOptions.stoppingTimestamp(config)
                : null);
    Supplier<KafkaMetadataClient> metadataClients =
        () ->
            new AdminMetadataClient(
                config.get(KafkaSourceOptions.PROPERTIES),
                config.get(KafkaSourceOptions.BOOTSTRAP_SERVERS),
                kafkaIsolationLevel(config));
    return new KafkaSourceEnumerator(
        context,
        metadataClients,
        topics,
        starting,
        stopping,
        config.get(KafkaSourceOptions.DISCOVERY_INTERVAL),
        config.get(KafkaSourceOptions.STARTUP_TIMEOUT),
        config.get(KafkaSourceOptions.UNREACHABLE_TIMEOUT),
        config.get(KafkaSourceOptions.BOOTSTRAP_SERVERS),
        ClusterProbe.tcp(config.get(KafkaSourceOptions.BOOTSTRAP_SERVERS)),
        restored);
  }

  @Override
  @SuppressWarnings("unchecked")
  public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context) {
    RecordDecoder<Object> decoder =
        RecordDecoder.builder((DeserializationSchema<Object>) schema)
            .configure(config)
            .source(identity)
            .context(context)
            .build();
    double rate = config.get(KafkaSourceOptions.MESSAGES_PER_SECOND) / context.parallelism();
    String description =
        (topics.isPattern() ? "topics matching " + topics : "topics " + topics)
            + " reader "
            + context.readerIndex();
    Map<String, Object> consumerProperties = consumerProperties(context.readerIndex());
    return new KafkaSourceReader<>(
        context,
        identity,
        description,
        decoder,
        emitter,
        () -> new KafkaConsumer<>(consumerProperties, BYTES, BYTES),
        rate,
        groupId().isPresent(),
        KafkaSourceOptions.isBounded(config) ? describeStoppingOffsets() : null,
        ClusterWatch.checkedByCaller(
            config.get(KafkaSourceOptions.BOOTSTRAP_SERVERS),
            config.get(KafkaSourceOptions.UNREACHABLE_TIMEOUT),
            KafkaSourceOptions.UNREACHABLE_TIMEOUT.key()));
  }

  /** E.g. {@code stoppingOffsets.type latest}, for errors. */
  private String describeStoppingOffsets() {
    StoppingOffsetsType type = config.get(KafkaSourceOptions.STOPPING_OFFSETS);
    return KafkaSourceOptions.STOPPING_OFFSETS.key()
        + " "
        + type.name().toLowerCase(java.util.Locale.ROOT)
        + (type == StoppingOffsetsType.TIMESTAMP
            ? " " + KafkaSourceOptions.stoppingTimestamp(config)
            : "");
  }

  private static final ByteArrayDeserializer BYTES = new ByteArrayDeserializer();

  /** The properties of reader {@code readerIndex}'s consumer. */
  Map<String, Object> consumerProperties(int readerIndex) {
    Map<String, String> user = config.get(KafkaSourceOptions.PROPERTIES);
    Map<String, Object> owned = new HashMap<>();
    owned.put(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(KafkaSourceOptions.BOOTSTRAP_SERVERS));
    owned.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    owned.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, kafkaIsolationLevel(config).toString());
    groupId().ifPresent(group -> owned.put(ConsumerConfig.GROUP_ID_CONFIG, group));
    String clientId =
        user.getOrDefault(
            ConsumerConfig.CLIENT_ID_CONFIG,
            "shardline-" + identity.replaceAll("[^A-Za-z0-9._-]", "_"));
    owned.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-reader-" + readerIndex);
    // an offset no longer in the log fails loudly instead of silently skipping records
    return ClientProperties.merge(
        user, owned, Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"));
  }

  private static org.apache.kafka.common.IsolationLevel kafkaIsolationLevel(Configuration config) {
    return config.get(KafkaSourceOptions.ISOLATION_LEVEL) == IsolationLevel.READ_COMMITTED
        ? org.apache.kafka.common.IsolationLevel.READ_COMMITTED
        : org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED;
  }

  @Override
  public VersionedSerializer<KafkaPartitionSplit> splitSerializer() {
    return KafkaPartitionSplitSerializer.INSTANCE;
  }

  @Override
  public VersionedSerializer<KafkaEnumeratorState> enumeratorStateSerializer() {
    return KafkaEnumeratorStateSerializer.INSTANCE;
  }

  /** The identity and the configuration, secrets masked. */
  @Override
  public String toString() {
    return "KafkaSource{" + identity + ", " + config + "}";
  }

  /**
   * Builds a {@link KafkaSource}: every method sets the value of one of the {@link
   * KafkaSourceOptions} (so the same rules and defaults apply as in YAML), and {@link #build()}
   * checks them all. Not thread-safe.
   *
   * @param <V> the decoded value type
   */
  public static final class Builder<V> extends KafkaConnectorBuilder<Builder<V>> {
    private final DeserializationSchema<V> schema;
    private Set<MetadataField> metadataFields = EnumSet.noneOf(MetadataField.class);

    private Builder(DeserializationSchema<V> schema) {
      super(Configuration.empty(), KafkaSourceOptions.PROPERTIES, "KafkaSource");
      this.schema = schema;
    }

    private Builder(Builder<?> from, DeserializationSchema<V> schema) {
      super(from);
      this.schema = schema;
      this.metadataFields = EnumSet.copyOf(from.metadataFields);
    }

    /**
     * The format of the values, e.g. {@code JsonFormat.forClass(Order.class)}; default: bytes
     * ({@code byte[]} values). Use the builder this returns.
     */
    public <U> Builder<U> format(Format<U> format) {
      return deserializer(format);
    }

    /** A deserializer that is not a {@link Format}; use the builder this returns. */
    public <U> Builder<U> deserializer(DeserializationSchema<U> schema) {
      return new Builder<>(this, checkNotNull(schema, "schema"));
    }

    /**
     * Options as YAML gives them (nested or dotted keys), on top of what is set, e.g. a section of
     * a file; {@code format} is set with {@link #format} instead.
     */
    public Builder<V> options(Map<?, ?> yaml) {
      return putAll(yaml);
    }

    /** {@code bootstrapServers} (required): the brokers to connect to first, host:port pairs. */
    public Builder<V> bootstrapServers(String bootstrapServers) {
      return set(KafkaSourceOptions.BOOTSTRAP_SERVERS, bootstrapServers);
    }

    /** {@code topics}: the topics to read; give this or {@link #topicPattern}. No default. */
    public Builder<V> topics(String... topics) {
      return topics(Arrays.asList(topics));
    }

    /** {@code topics}: the topics to read; give this or {@link #topicPattern}. No default. */
    public Builder<V> topics(List<String> topics) {
      return set(KafkaSourceOptions.TOPICS, List.copyOf(topics));
    }

    /**
     * {@code topicPattern}: read every topic whose whole name matches this regular expression,
     * including topics created later (found by discovery); give this or {@link #topics}.
     */
    public Builder<V> topicPattern(String regex) {
      return set(KafkaSourceOptions.TOPIC_PATTERN, regex);
    }

    /**
     * {@code groupId} (default none: nothing is committed to Kafka): the consumer group the source
     * commits its checkpointed offsets to, for lag monitoring only (positions come from the
     * checkpoint), and whose offsets {@link #startingFromCommitted} starts from.
     */
    public Builder<V> groupId(String groupId) {
      return set(KafkaSourceOptions.GROUP_ID, groupId);
    }

    /**
     * {@code groupIdPrefix} (default none): instead of {@code groupId}, the group id is this
     * prefix, a dash and the topics (joined by '_') or the topic pattern.
     */
    public Builder<V> groupIdPrefix(String prefix) {
      return set(KafkaSourceOptions.GROUP_ID_PREFIX, prefix);
    }

    /**
     * {@code startingOffsets.type} (default earliest): where partitions that are not in a
     * checkpoint start at the first start: earliest or latest; for a timestamp or the group's
     * offsets see {@link #startingTimestamp} and {@link #startingFromCommitted}. Partitions found
     * later start at earliest.
     */
    public Builder<V> startingOffsets(StartingOffsetsType type) {
      return set(KafkaSourceOptions.STARTING_OFFSETS, type);
    }

    /**
     * {@code startingOffsets.type} timestamp with {@code startingOffsets.timestamp}: start each new
     * partition at its first record with this timestamp or later.
     */
    public Builder<V> startingTimestamp(Instant timestamp) {
      checkNotNull(timestamp, "timestamp");
      set(KafkaSourceOptions.STARTING_OFFSETS, StartingOffsetsType.TIMESTAMP);
      return set(KafkaSourceOptions.STARTING_TIMESTAMP, timestamp.toString());
    }

    /**
     * {@code startingOffsets.type} committed with {@code startingOffsets.resetTo} (default
     * earliest): start at the group's committed offsets, and where the group has none at {@code
     * resetTo}.
     */
    public Builder<V> startingFromCommitted(OffsetReset resetTo) {
      set(KafkaSourceOptions.STARTING_OFFSETS, StartingOffsetsType.COMMITTED);
      return set(KafkaSourceOptions.STARTING_RESET_TO, resetTo);
    }

    /**
     * {@code stoppingOffsets.type}: {@link StoppingOffsetsType#LATEST} makes the source bounded,
     * reading each partition up to its end when the source first starts; {@link
     * StoppingOffsetsType#NONE} (the default) keeps it unbounded. For a timestamp, use {@link
     * #stoppingTimestamp}.
     */
    public Builder<V> stoppingOffsets(StoppingOffsetsType type) {
      checkNotNull(type, "type");
      checkArgument(
          type != StoppingOffsetsType.TIMESTAMP,
          "a timestamp stop needs its timestamp: use stoppingTimestamp(Instant)");
      return set(KafkaSourceOptions.STOPPING_OFFSETS, type);
    }

    /**
     * {@code stoppingOffsets.type} timestamp with {@code stoppingOffsets.timestamp}: the source is
     * bounded, reading each partition up to its first record at or after {@code timestamp}.
     */
    public Builder<V> stoppingTimestamp(Instant timestamp) {
      checkNotNull(timestamp, "timestamp");
      set(KafkaSourceOptions.STOPPING_OFFSETS, StoppingOffsetsType.TIMESTAMP);
      return set(KafkaSourceOptions.STOPPING_TIMESTAMP, timestamp.toString());
    }

    /**
     * {@code discovery.interval} (default 30 s): how often the topics' partitions are listed to
     * pick up new partitions and topics; zero lists them only once, at start.
     */
    public Builder<V> discoveryInterval(Duration interval) {
      return set(KafkaSourceOptions.DISCOVERY_INTERVAL, interval);
    }

    /**
     * {@code messagesPerSecond} (default 0: no limit): at most this many records per second for the
     * whole source, divided evenly over its readers.
     */
    public Builder<V> messagesPerSecond(double messagesPerSecond) {
      return set(KafkaSourceOptions.MESSAGES_PER_SECOND, messagesPerSecond);
    }

    /**
     * {@code isolationLevel} (default read-uncommitted): read-committed reads only committed
     * records of transactional producers (use it behind an exactly-once Kafka sink).
     */
    public Builder<V> isolationLevel(IsolationLevel level) {
      return set(KafkaSourceOptions.ISOLATION_LEVEL, level);
    }

    /**
     * {@code startupTimeout} (default 60 s): how long the first listing of partitions may keep
     * failing (brokers unreachable) before the source fails naming {@code bootstrapServers}.
     */
    public Builder<V> startupTimeout(Duration timeout) {
      return set(KafkaSourceOptions.STARTUP_TIMEOUT, timeout);
    }

    /**
     * {@code unreachableTimeout} (default 30 s): once started, how long the brokers may give no
     * answer before the source fails naming {@code bootstrapServers}.
     */
    public Builder<V> unreachableTimeout(Duration timeout) {
      return set(KafkaSourceOptions.UNREACHABLE_TIMEOUT, timeout);
    }

    /**
     * A Kafka consumer property under {@code properties} (default none), passed through unchanged;
     * the properties the source owns (group, offsets, deserializers) are refused naming the option
     * to use.
     */
    public Builder<V> property(String key, String value) {
      return setProperty(key, value);
    }

    /**
     * {@code metadataFields} (default none): Kafka fields handed downstream with each value; then
     * build with {@link #buildWithMetadata()}, which emits {@code KafkaRecord}s.
     */
    public Builder<V> metadataFields(MetadataField... fields) {
      metadataFields =
          fields.length == 0
              ? EnumSet.noneOf(MetadataField.class)
              : EnumSet.copyOf(Arrays.asList(fields));
      return set(
          KafkaSourceOptions.METADATA_FIELDS,
          metadataFields.stream().map(MetadataField::configName).collect(Collectors.toList()));
    }

    /**
     * Sets any option by key, as YAML would (e.g. {@code badData.policy}, {@code framing}).
     *
     * @throws ConfigException at {@link #build()} when the key is unknown or the value invalid
     */
    public Builder<V> option(String key, Object value) {
      return setRaw(key, value);
    }

    /**
     * Sets any option of {@link KafkaSourceOptions#OPTIONS}, typed, e.g. {@code
     * option(BadDataOptions.POLICY, BadDataPolicy.DROP)}, as the Kinesis builders take them.
     *
     * @throws ConfigException at {@link #build()} when the value is invalid
     */
    public <T> Builder<V> option(ConfigOption<T> option, T value) {
      return set(checkNotNull(option, "option"), value);
    }

    /**
     * A source emitting the decoded values.
     *
     * @throws ConfigException for invalid or inconsistent options, or when metadata fields are set
     *     (use {@link #buildWithMetadata()})
     */
    public KafkaSource<V> build() {
      Configuration valid = validate(KafkaSourceOptions.OPTIONS, true);
      if (!metadataFields.isEmpty()) {
        throw new ConfigException(
            KafkaSourceOptions.METADATA_FIELDS.key(),
            "metadataFields is set, so the source emits KafkaRecord values; call"
                + " buildWithMetadata()");
      }
      return new KafkaSource<>(valid, schema, RecordEmitter.valueOnly());
    }

    /**
     * A source emitting {@link KafkaRecord}s: the decoded value with the metadata fields picked by
     * {@link #metadataFields} (all of them if none were picked).
     */
    public KafkaSource<KafkaRecord<V>> buildWithMetadata() {
      if (metadataFields.isEmpty()) {
        metadataFields(MetadataField.values());
      }
      Configuration valid = validate(KafkaSourceOptions.OPTIONS, true);
      return new KafkaSource<>(valid, schema, RecordEmitter.withMetadata(metadataFields));
    }
  }
}
