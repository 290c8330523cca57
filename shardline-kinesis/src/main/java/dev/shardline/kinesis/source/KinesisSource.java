package dev.shardline.kinesis.source;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.Boundedness;
import dev.shardline.api.Source;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.Configuration;
import dev.shardline.format.BadDataOptions;
import dev.shardline.format.BadDataPolicy;
import dev.shardline.format.BytesFormat;
import dev.shardline.format.DeserializationSchema;
import dev.shardline.format.Format;
import dev.shardline.format.FormatOptions;
import dev.shardline.format.RecordDecoder;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.AwsOptions;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.source.enumerator.KinesisEnumeratorState;
import dev.shardline.kinesis.source.enumerator.KinesisEnumeratorStateSerializer;
import dev.shardline.kinesis.source.enumerator.KinesisShardEnumerator;
import dev.shardline.kinesis.source.enumerator.ShardAssigner;
import dev.shardline.kinesis.source.proxy.KinesisProxyFactory;
import dev.shardline.kinesis.source.reader.KinesisShardReader;
import dev.shardline.kinesis.source.split.KinesisShardSplit;
import dev.shardline.kinesis.source.split.KinesisShardSplitSerializer;
import dev.shardline.state.VersionedSerializer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads Amazon Kinesis Data Streams with checkpointed positions: after a crash it resumes right
 * after the last record emitted before the checkpoint, with no replay and no gap, also inside KPL
 * aggregates. Shards created by resharding are read only after their parents, so no partition key's
 * records are reordered. Throttling is waited out, never fatal. Emits {@link KinesisRecord}s: the
 * decoded value with its stream, shard, partition key, sequence number and arrival time (the event
 * time).
 *
 * <pre>{@code
 * KinesisSource<JsonNode> source = KinesisSource.builder()
 *     .stream("orders")
 *     .region(AwsRegion.of("eu-west-1"))
 *     .credentials(AwsCredentials.profile("analytics"))
 *     .startingPosition(StartingPosition.earliest())
 *     .format(JsonFormat.forJsonNode())
 *     .badDataPolicy(BadDataPolicy.DEAD_LETTER)
 *     .build();
 *
 * // or from the YAML section of a pipeline (see KinesisSourceOptions)
 * KinesisSource<?> fromYaml = KinesisSource.fromConfiguration(Map.of("streams", List.of("orders"),
 *     "format", "json"));
 * }</pre>
 *
 * <p>Every builder method sets an option of {@link KinesisSourceOptions#ALL}; the defaults are
 * there (start at latest, the default AWS region and credentials chains, bytes format, bad-data
 * policy fail, discovery every 10 s). Immutable and thread-safe.
 *
 * <p>Serializable, so that it can be shipped to Flink: it holds its {@link Configuration}, its
 * format, its {@link ShardAssigner} and its {@link KinesisProxyFactory} only; the enumerator and
 * each reader get their Kinesis proxy from it ({@link KinesisProxyFactory#create}) and close it (by
 * default one SDK client per JVM, shared by the enumerator and readers there).
 *
 * @param <T> the value type
 */
public final class KinesisSource<T>
    implements Source<KinesisRecord<T>, KinesisShardSplit, KinesisEnumeratorState> {
  private static final long serialVersionUID = 1L;

  private final Configuration config;
  private final DeserializationSchema<T> format;
  private final ShardAssigner assigner;
  private final KinesisProxyFactory proxyFactory;

  private KinesisSource(
      Configuration config,
      DeserializationSchema<T> format,
      ShardAssigner assigner,
      KinesisProxyFactory proxyFactory) {
    this.config = config;
    this.format = format;
    this.assigner = assigner;
    this.proxyFactory = proxyFactory;
  }

  /** A builder starting from the defaults, reading raw bytes. */
  public static Builder<byte[]> builder() {
    return new Builder<>(Configuration.builder(), BytesFormat.INSTANCE, false);
  }

  /**
   * A source from configuration (a YAML section, nested or dotted keys), with the format it names.
   *
   * @throws dev.shardline.config.ConfigException for unknown keys, bad values or broken rules
   */
  public static KinesisSource<?> fromConfiguration(Map<?, ?> yaml) {
    return fromConfiguration(Configuration.fromMap(yaml));
  }

  /** A source from configuration, with the format it names; see {@link #fromConfiguration(Map)}. */
  public static KinesisSource<?> fromConfiguration(Configuration config) {
    Configuration validated = KinesisSourceOptions.ALL.validate(config);
    return new KinesisSource<>(
        validated,
        FormatOptions.createFormat(validated),
        assignerOf(validated),
        KinesisProxyFactory.SDK);
  }

  /** The validated configuration: every option, as the CLI would write it. */
  public Configuration configuration() {
    return config;
  }

  /** {@link KinesisRecord}. */
  @Override
  public Class<?> recordClass() {
    return KinesisRecord.class;
  }

  /** {@code kinesis:} and the stream names, e.g. {@code kinesis:orders}. */
  @Override
  public String identity() {
    return "kinesis:" + String.join(",", configuration().get(KinesisSourceOptions.STREAMS));
  }

  @Override
  public Boundedness boundedness() {
    return Boundedness.CONTINUOUS_UNBOUNDED;
  }

  @Override
  public SplitEnumerator<KinesisShardSplit, KinesisEnumeratorState> createEnumerator(
      SplitEnumeratorContext<KinesisShardSplit> context) {
    return new KinesisShardEnumerator(
        context, configuration(), null, assigner, proxyFactory::create);
  }

  @Override
  public SplitEnumerator<KinesisShardSplit, KinesisEnumeratorState> restoreEnumerator(
      SplitEnumeratorContext<KinesisShardSplit> context, KinesisEnumeratorState checkpoint) {
    return new KinesisShardEnumerator(
        context,
        configuration(),
        checkNotNull(checkpoint, "checkpoint"),
        assigner,
        proxyFactory::create);
  }

  @Override
  public SourceReader<KinesisRecord<T>, KinesisShardSplit> createReader(
      SourceReaderContext context) {
    RecordDecoder<T> decoder =
        RecordDecoder.builder(format)
            .configure(configuration())
            .source(identity())
            .context(context)
            .build();
    return new KinesisShardReader<>(
        context, configuration(), decoder, identity(), proxyFactory::create);
  }

  @Override
  public VersionedSerializer<KinesisShardSplit> splitSerializer() {
    return KinesisShardSplitSerializer.INSTANCE;
  }

  @Override
  public VersionedSerializer<KinesisEnumeratorState> enumeratorStateSerializer() {
    return KinesisEnumeratorStateSerializer.INSTANCE;
  }

  @Override
  public String toString() {
    return "KinesisSource{" + configuration() + "}";
  }

  private static ShardAssigner assignerOf(Configuration config) {
    return switch (config.get(KinesisSourceOptions.SHARD_ASSIGNER)) {
      case HASH -> ShardAssigner.hash();
      case UNIFORM -> ShardAssigner.uniform();
    };
  }

  /**
   * Builds a {@link KinesisSource}. Each method sets {@link KinesisSourceOptions#ALL} options,
   * checked as they are set; {@link #build()} checks the whole. Not thread-safe.
   *
   * @param <T> the value type the format produces
   */
  public static final class Builder<T> {
    private final Configuration.Builder config;
    private final DeserializationSchema<T> format;
    private final boolean formatFromJava;
    private final List<String> streams = new ArrayList<>();
    private ShardAssigner assigner;
    private KinesisProxyFactory proxyFactory = KinesisProxyFactory.SDK;

    private Builder(
        Configuration.Builder config, DeserializationSchema<T> format, boolean formatFromJava) {
      this.config = config;
      this.format = format;
      this.formatFromJava = formatFromJava;
    }

    /** Adds a stream to read (option {@code streams}). */
    public Builder<T> stream(String stream) {
      streams.add(checkNotNull(stream, "stream"));
      config.set(KinesisSourceOptions.STREAMS, List.copyOf(streams));
      return this;
    }

    /** Where Kinesis is (options {@code awsRegion.*}); default: the SDK's region chain. */
    public Builder<T> region(AwsRegion region) {
      checkNotNull(region, "region").applyTo(config);
      return this;
    }

    /** The region {@code id}, e.g. {@code eu-west-1}. */
    public Builder<T> region(String id) {
      return region(AwsRegion.of(id));
    }

    /** A custom endpoint signing for region {@code id}: a local or private Kinesis. */
    public Builder<T> endpoint(URI endpoint, String id) {
      return region(AwsRegion.customEndpoint(endpoint, id));
    }

    /** The credentials (options {@code awsCredentials.*}); default: the SDK's chain. */
    public Builder<T> credentials(AwsCredentials credentials) {
      checkNotNull(credentials, "credentials").applyTo(config);
      return this;
    }

    /** Where to start without a checkpoint (options {@code startupPosition.*}); default latest. */
    public Builder<T> startingPosition(StartingPosition position) {
      checkNotNull(position, "position").applyTo(config);
      return this;
    }

    /**
     * The format of the records' bytes, e.g. {@code JsonFormat.forClass(Order.class)}; sets option
     * {@code format} when it is a built-in one. Default: bytes.
     */
    public <U> Builder<U> format(Format<U> format) {
      checkNotNull(format, "format");
      Builder<U> next = new Builder<>(config, format, true);
      next.streams.addAll(streams);
      next.assigner = assigner;
      next.proxyFactory = proxyFactory;
      return next;
    }

    /** A deserializer that is not a {@link Format}; option {@code format} stays unset. */
    public <U> Builder<U> deserializer(DeserializationSchema<U> schema) {
      checkNotNull(schema, "schema");
      Builder<U> next = new Builder<>(config, schema, true);
      next.streams.addAll(streams);
      next.assigner = assigner;
      next.proxyFactory = proxyFactory;
      return next;
    }

    /**
     * What to do with a record that cannot be deserialized (option {@code badData.policy}); default
     * fail: stop with the record's coordinates and the cause.
     */
    public Builder<T> badDataPolicy(BadDataPolicy policy) {
      config.set(BadDataOptions.POLICY, checkNotNull(policy, "policy"));
      return this;
    }

    /** How often shards are listed (option {@code discovery.interval}); default 10 s. */
    public Builder<T> discoveryInterval(Duration interval) {
      config.set(KinesisSourceOptions.DISCOVERY_INTERVAL, interval);
      return this;
    }

    /**
     * Reads with enhanced fan-out through the stream consumer {@code consumerName} on each stream
     * (options {@code reader.type: fan-out}, {@code reader.fanOut.consumerName}). By default the
     * pipeline manages it: registers it at start when missing and deregisters it when the pipeline
     * ends for good; {@link #consumerLifecycle} {@code USER} uses one you registered. Default:
     * polling.
     */
    public Builder<T> fanOut(String consumerName) {
      config.set(KinesisSourceOptions.READER_TYPE, KinesisSourceOptions.ReaderType.FAN_OUT);
      config.set(
          KinesisSourceOptions.FAN_OUT_CONSUMER_NAME, checkNotNull(consumerName, "consumerName"));
      return this;
    }

    /**
     * Reads the one stream with enhanced fan-out through an existing stream consumer, given by its
     * ARN (options {@code reader.type: fan-out}, {@code reader.fanOut.consumerArn}); the pipeline
     * never registers nor deregisters it.
     */
    public Builder<T> fanOutWithConsumerArn(String consumerArn) {
      config.set(KinesisSourceOptions.READER_TYPE, KinesisSourceOptions.ReaderType.FAN_OUT);
      config.set(
          KinesisSourceOptions.FAN_OUT_CONSUMER_ARN, checkNotNull(consumerArn, "consumerArn"));
      return this;
    }

    /**
     * Who owns the fan-out stream consumer (option {@code reader.fanOut.consumerLifecycle});
     * default managed.
     */
    public Builder<T> consumerLifecycle(KinesisSourceOptions.ConsumerLifecycle lifecycle) {
      config.set(
          KinesisSourceOptions.FAN_OUT_CONSUMER_LIFECYCLE, checkNotNull(lifecycle, "lifecycle"));
      return this;
    }

    /**
     * How long to wait for the fan-out stream consumer to become ACTIVE (option {@code
     * reader.fanOut.registrationTimeout}); default 2 minutes.
     */
    public Builder<T> consumerRegistrationTimeout(Duration timeout) {
      config.set(KinesisSourceOptions.FAN_OUT_REGISTRATION_TIMEOUT, timeout);
      return this;
    }

    /**
     * A Kinesis client setting (option {@code clientConfigProperties.<key>}; default none, so the
     * client's defaults: see {@code KinesisClientProperties}).
     */
    public Builder<T> clientProperty(String key, String value) {
      Map<String, String> properties =
          new java.util.LinkedHashMap<>(config.build().get(AwsOptions.CLIENT_CONFIG_PROPERTIES));
      properties.put(checkNotNull(key, "key"), checkNotNull(value, "value"));
      config.set(AwsOptions.CLIENT_CONFIG_PROPERTIES, properties);
      return this;
    }

    /** Any option of {@link KinesisSourceOptions#ALL}. */
    public <V> Builder<T> option(ConfigOption<V> option, V value) {
      checkNotNull(option, "option");
      config.set(option, value);
      return this;
    }

    /** Options as YAML gives them (nested or dotted keys), on top of what is set. */
    public Builder<T> options(Map<?, ?> yaml) {
      config.putAll(checkNotNull(yaml, "yaml"));
      return this;
    }

    /** How shards without a parent's reader are spread; default: option {@code shardAssigner}. */
    public Builder<T> shardAssigner(ShardAssigner assigner) {
      this.assigner = checkNotNull(assigner, "assigner");
      return this;
    }

    /** Where Kinesis calls go; default the AWS SDK. For tests with a fake Kinesis. */
    public Builder<T> proxyFactory(KinesisProxyFactory proxyFactory) {
      this.proxyFactory = checkNotNull(proxyFactory, "proxyFactory");
      return this;
    }

    /**
     * The source.
     *
     * @throws dev.shardline.config.ConfigException naming the first bad or missing option
     */
    public KinesisSource<T> build() {
      if (formatFromJava && format instanceof Format<?> f) {
        String name = f.name();
        if (java.util.Arrays.stream(dev.shardline.format.FormatType.values())
                .anyMatch(t -> t.name().equalsIgnoreCase(name))
            && !name.equalsIgnoreCase("avro")) {
          config.setRaw(FormatOptions.FORMAT.key(), name);
        }
      }
      Configuration validated = KinesisSourceOptions.ALL.validate(config.build());
      ShardAssigner chosen = assigner != null ? assigner : assignerOf(validated);
      return new KinesisSource<>(validated, format, chosen, proxyFactory);
    }
  }
}
