package dev.shardline.kinesis.sink;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.function.SerializableFunction;
import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.Configuration;
import dev.shardline.config.DataSize;
import dev.shardline.format.FormatOptions;
import dev.shardline.format.SerializationSchema;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.AwsOptions;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.sink.internal.KinesisSinkWriter;
import dev.shardline.kinesis.sink.internal.SdkKinesisSinkClient;
import dev.shardline.kinesis.sink.internal.SenderSettings;
import dev.shardline.kinesis.sink.internal.SinkMetrics;
import dev.shardline.kinesis.source.proxy.SdkKinesisProxy;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Writes records to an Amazon Kinesis data stream with PutRecords, at least once with the
 * pipeline's checkpoints, keeping each partition key's records in order even when Kinesis refuses
 * some of a request's records.
 *
 * <pre>{@code
 * KinesisSink<Order> sink = KinesisSink.<Order>builder()
 *     .stream("orders-out")                             // stream: orders-out
 *     .region(AwsRegion.of("eu-west-1"))                // awsRegion: {type: specific, id: ...}
 *     .partitionKey(order -> order.customerId())
 *     .format(JsonFormat.forClass(Order.class))
 *     .aggregation(true)                                // aggregation: {enabled: true}
 *     .build();
 *
 * // plain Java: a key function and a value function
 * KinesisSink<Order> simple =
 *     KinesisSink.of("orders-out", Order::customerId, order -> order.toBytes());
 * }</pre>
 *
 * <p>Every setting is an option of {@link KinesisSinkOptions} (the builder sets its {@link
 * Configuration}; the CLI reads the same keys from YAML, see {@link #fromConfiguration}); the Java
 * functions (partition key, explicit hash key, per-record stream) are builder-only. Defaults: a
 * random partition key per record, no explicit hash key, the format of the configuration's {@code
 * format} option ({@code bytes}, for {@code byte[]} records), and the option defaults listed in
 * {@code shardline-kinesis/docs/sink.md}.
 *
 * <p>Each writer creates its own Kinesis client from the AWS options ({@code awsRegion}, {@code
 * awsCredentials}, {@code clientConfigProperties}, shared with the source), or takes one from a
 * {@link ClientProvider} given to the builder. Immutable and thread-safe; its writers are not (one
 * per worker).
 *
 * <p>Serializable, so that it can be shipped to Flink: it holds its {@link Configuration}, its
 * format and its functions only. The functions are {@link SerializableFunction}s (a lambda passed
 * to the builder is serializable as long as what it captures is), and {@code
 * dev.shardline.config.Serializability.requireSerializable} names one that is not.
 *
 * @param <T> the records it writes
 */
public final class KinesisSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;

  private final Configuration config;
  private final SerializationSchema<? super T> format;
  private final SerializableFunction<? super T, String> streamFunction;
  private final SerializableFunction<? super T, String> partitionKey;
  private final SerializableFunction<? super T, String> explicitHashKey;
  private final ClientProvider clientProvider;

  private KinesisSink(Builder<T> builder, Configuration config) {
    this.config = config;
    this.format = builder.format;
    this.streamFunction = builder.streamFunction;
    this.partitionKey = builder.partitionKey;
    this.explicitHashKey = builder.explicitHashKey;
    this.clientProvider = builder.clientProvider;
  }

  /**
   * Makes the SDK client a writer uses. Serializable, so a sink can be shipped to Flink; each
   * writer calls it once and closes what it returns.
   */
  @FunctionalInterface
  public interface ClientProvider extends Serializable {
    /** A new client; the writer closes it. */
    KinesisAsyncClient create();
  }

  /** A builder with the defaults. */
  public static <T> Builder<T> builder() {
    return new Builder<>(Configuration.empty());
  }

  /**
   * A sink as options given as YAML gives them say (nested or dotted keys), its record format taken
   * from the {@code format} options, as the other connectors' {@code fromConfiguration} (for a
   * builder to go on from, {@code builder().options(yaml)}).
   *
   * @throws ConfigException naming the first invalid, unknown or inconsistent option
   */
  public static KinesisSink<Object> fromConfiguration(Map<?, ?> yaml) {
    checkNotNull(yaml, "yaml");
    return fromConfiguration(Configuration.fromMap(yaml));
  }

  /**
   * A sink as {@code config} says, its record format taken from the {@code format} options.
   *
   * @throws ConfigException naming the first invalid, unknown or inconsistent option
   */
  public static KinesisSink<Object> fromConfiguration(Configuration config) {
    checkNotNull(config, "config");
    return new Builder<Object>(config).build();
  }

  /**
   * A sink writing {@code value(record)} with partition key {@code key(record)} to {@code stream},
   * with the default options.
   */
  public static <T> KinesisSink<T> of(
      String stream,
      SerializableFunction<? super T, String> key,
      SerializableFunction<? super T, byte[]> value) {
    checkNotNull(value, "value");
    return KinesisSink.<T>builder().stream(stream).partitionKey(key).format(value::apply).build();
  }

  /** The options, as the builder set them (defaults are not listed). */
  public Configuration configuration() {
    return config;
  }

  @Override
  public SinkWriter<T> createWriter(SinkContext context) {
    InvalidRecordPolicy policy = config.get(KinesisSinkOptions.INVALID_RECORDS_POLICY);
    if (policy == InvalidRecordPolicy.DEAD_LETTER && !context.deadLetters().isConfigured()) {
      throw new ConfigException(
          KinesisSinkOptions.INVALID_RECORDS_POLICY.key(),
          "Option \"invalidRecords.policy\" is dead-letter, but the pipeline has no dead-letter"
              + " sink: add one (deadLetterTo), or use fail");
    }
    String stream = config.getOptional(KinesisSinkOptions.STREAM).orElse(null);
    Duration requestTimeout = config.get(KinesisSinkOptions.REQUEST_TIMEOUT);
    SdkKinesisSinkClient client;
    if (clientProvider != null) {
      client =
          new SdkKinesisSinkClient(
              SdkKinesisProxy.of(clientProvider.create(), SdkKinesisProxy.reachability(config)),
              requestTimeout);
    } else {
      // the proxy's own watch: one per client, so one WARN per outage
      client = new SdkKinesisSinkClient(SdkKinesisProxy.create(config), requestTimeout);
    }
    try {
      return new KinesisSinkWriter<>(
          new KinesisSinkWriter.Parts<>(
              client,
              SenderSettings.from(config),
              context.time(),
              new SinkMetrics(context.metrics(), stream != null ? stream : "*"),
              format,
              stream,
              streamFunction,
              partitionKey,
              explicitHashKey,
              policy,
              context.deadLetters(),
              requestTimeout.multipliedBy(3),
              context.processingTimeService(),
              context.mailbox()));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  @Override
  public String toString() {
    return "KinesisSink{" + config + "}";
  }

  /**
   * Builds a {@link KinesisSink}. Each option method sets the {@link KinesisSinkOptions} value of
   * the same name and checks it at once; {@link #build()} checks the rules between options. Not
   * thread-safe.
   *
   * @param <T> the records the sink writes
   */
  public static final class Builder<T> {
    private final Configuration.Builder config;
    private SerializationSchema<? super T> format;
    private SerializableFunction<? super T, String> streamFunction;
    private SerializableFunction<? super T, String> partitionKey;
    private SerializableFunction<? super T, String> explicitHashKey;
    private ClientProvider clientProvider;

    private Builder(Configuration initial) {
      this.config = initial.toBuilder();
    }

    /**
     * Sets any option of {@link KinesisSinkOptions#ALL}, e.g. {@code
     * option(KinesisSinkOptions.RETRY_TIMEOUT, Duration.ofMinutes(5))}.
     */
    public <V> Builder<T> option(ConfigOption<V> option, V value) {
      config.set(checkNotNull(option, "option"), value);
      return this;
    }

    /** Options as YAML gives them (nested or dotted keys), on top of what is set. */
    public Builder<T> options(Map<?, ?> yaml) {
      config.putAll(checkNotNull(yaml, "yaml"));
      return this;
    }

    /** The region, or a custom endpoint (options {@code awsRegion.*}); default: the SDK's chain. */
    public Builder<T> region(AwsRegion region) {
      checkNotNull(region, "region").applyTo(config);
      return this;
    }

    /** The credentials (options {@code awsCredentials.*}); default: the SDK's chain. */
    public Builder<T> credentials(AwsCredentials credentials) {
      checkNotNull(credentials, "credentials").applyTo(config);
      return this;
    }

    /**
     * A Kinesis client setting (option {@code clientConfigProperties.<key>}; default none, so the
     * client's defaults: see {@code KinesisClientProperties}).
     */
    public Builder<T> clientProperty(String key, String value) {
      Map<String, String> properties =
          new LinkedHashMap<>(config.build().get(AwsOptions.CLIENT_CONFIG_PROPERTIES));
      properties.put(checkNotNull(key, "key"), checkNotNull(value, "value"));
      config.set(AwsOptions.CLIENT_CONFIG_PROPERTIES, properties);
      return this;
    }

    /**
     * {@code stream} (required, unless a stream function is given): the stream every record goes
     * to.
     */
    public Builder<T> stream(String stream) {
      return option(KinesisSinkOptions.STREAM, checkNotNull(stream, "stream"));
    }

    /** A stream per record, instead of one {@code stream}. */
    public Builder<T> stream(SerializableFunction<? super T, String> streamFunction) {
      this.streamFunction = checkNotNull(streamFunction, "streamFunction");
      return this;
    }

    /** The partition key of each record (default: a random one per record, so no order). */
    public Builder<T> partitionKey(SerializableFunction<? super T, String> partitionKey) {
      this.partitionKey = checkNotNull(partitionKey, "partitionKey");
      return this;
    }

    /**
     * An explicit hash key per record (a decimal from 0 to 2^128 - 1), which picks the shard
     * instead of the partition key's MD5; null for a record means none.
     */
    public Builder<T> explicitHashKey(SerializableFunction<? super T, String> explicitHashKey) {
      this.explicitHashKey = checkNotNull(explicitHashKey, "explicitHashKey");
      return this;
    }

    /** How a record becomes the data of a Kinesis record. */
    public Builder<T> format(SerializationSchema<? super T> format) {
      this.format = checkNotNull(format, "format");
      return this;
    }

    /**
     * Makes the SDK client each writer uses, instead of building one from the AWS options. The
     * writer closes it.
     */
    public Builder<T> clientProvider(ClientProvider clientProvider) {
      this.clientProvider = checkNotNull(clientProvider, "clientProvider");
      return this;
    }

    /**
     * {@code flush.maxRecords} (default 500): send a PutRecords request once this many Kinesis
     * records are buffered; also the most records in one request.
     */
    public Builder<T> flushMaxRecords(int records) {
      return option(KinesisSinkOptions.FLUSH_MAX_RECORDS, records);
    }

    /**
     * {@code flush.maxBytes} (default 4 MB): send a request once this many bytes (data plus
     * partition keys) are buffered; also the largest request.
     */
    public Builder<T> flushMaxBytes(DataSize bytes) {
      return option(KinesisSinkOptions.FLUSH_MAX_BYTES, bytes);
    }

    /**
     * {@code flush.maxAge} (default 1 s): send buffered records once the oldest is this old,
     * however few they are; every checkpoint also sends everything and waits for it.
     */
    public Builder<T> flushMaxAge(Duration age) {
      return option(KinesisSinkOptions.FLUSH_MAX_AGE, age);
    }

    /**
     * {@code maxOutstandingRecords} (default 10,000): backpressure; {@code write} waits while this
     * many records are written but not yet acknowledged by Kinesis.
     */
    public Builder<T> maxOutstandingRecords(int records) {
      return option(KinesisSinkOptions.MAX_OUTSTANDING_RECORDS, records);
    }

    /**
     * {@code maxOutstandingBytes} (default 32 MiB): backpressure; {@code write} waits while the
     * records written but not yet acknowledged hold this many bytes.
     */
    public Builder<T> maxOutstandingBytes(DataSize bytes) {
      return option(KinesisSinkOptions.MAX_OUTSTANDING_BYTES, bytes);
    }

    /**
     * {@code maxInFlightRequests} (default 16): the most PutRecords requests in flight at once per
     * writer; a shard never has more than one.
     */
    public Builder<T> maxInFlightRequests(int requests) {
      return option(KinesisSinkOptions.MAX_IN_FLIGHT_REQUESTS, requests);
    }

    /**
     * {@code retry.maxAttempts} (default 20): the most times one record is sent, the first attempt
     * included, before the sink fails naming the stream, the shard and the last error code.
     */
    public Builder<T> retryMaxAttempts(int attempts) {
      return option(KinesisSinkOptions.RETRY_MAX_ATTEMPTS, attempts);
    }

    /**
     * {@code retry.timeout} (default 2 min): no retry of a record starts later than this after its
     * first attempt; then the sink fails.
     */
    public Builder<T> retryTimeout(Duration timeout) {
      return option(KinesisSinkOptions.RETRY_TIMEOUT, timeout);
    }

    /**
     * {@code aggregation.enabled} (default false): pack many records of one shard into one Kinesis
     * record in the KPL aggregation format, which the KCL and Shardline's source de-aggregate.
     */
    public Builder<T> aggregation(boolean enabled) {
      return option(KinesisSinkOptions.AGGREGATION_ENABLED, enabled);
    }

    /**
     * {@code shardRate.enabled} (default true): pace each shard's writes with an adaptive rate that
     * drops when the shard throttles and climbs back on success.
     */
    public Builder<T> shardRate(boolean enabled) {
      return option(KinesisSinkOptions.SHARD_RATE_ENABLED, enabled);
    }

    /**
     * {@code invalidRecords.policy} (default fail): what to do with a record Kinesis would refuse
     * (over 1 MiB with its partition key, an empty or over-long partition key, a bad explicit hash
     * key) or that the format cannot serialize: fail (the write throws, naming the record) or
     * dead-letter (sent to the pipeline's dead-letter sink).
     */
    public Builder<T> invalidRecords(InvalidRecordPolicy policy) {
      return option(KinesisSinkOptions.INVALID_RECORDS_POLICY, policy);
    }

    /**
     * The sink.
     *
     * @throws ConfigException when an option breaks a rule, or neither a stream nor a stream
     *     function is given
     */
    @SuppressWarnings("unchecked")
    public KinesisSink<T> build() {
      Configuration built = KinesisSinkOptions.ALL.validate(config.build());
      if (streamFunction == null && !built.contains(KinesisSinkOptions.STREAM)) {
        throw new ConfigException(
            KinesisSinkOptions.STREAM.key(),
            "Missing option \"stream\": name the Kinesis stream to write to");
      }
      if (streamFunction != null && built.contains(KinesisSinkOptions.STREAM)) {
        throw new ConfigException(
            KinesisSinkOptions.STREAM.key(),
            "Option \"stream\" and a stream function are both given: keep one");
      }
      if (format == null) {
        format =
            (SerializationSchema<? super T>)
                FormatOptions.createFormat(
                    built, built.getOptional(KinesisSinkOptions.STREAM).orElse(null));
      }
      return new KinesisSink<>(this, built);
    }
  }
}
