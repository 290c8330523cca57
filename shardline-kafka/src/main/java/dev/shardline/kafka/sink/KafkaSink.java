package dev.shardline.kafka.sink;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.Committer;
import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.SinkContext;
import dev.shardline.api.TransactionalSink;
import dev.shardline.api.function.SerializableFunction;
import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.Configuration;
import dev.shardline.format.Format;
import dev.shardline.format.FormatOptions;
import dev.shardline.format.SerializationSchema;
import dev.shardline.kafka.config.DeliveryGuarantee;
import dev.shardline.kafka.config.KafkaConnectorBuilder;
import dev.shardline.kafka.config.KafkaSinkOptions;
import dev.shardline.kafka.internal.ClientProperties;
import dev.shardline.kafka.internal.ClusterWatch;
import dev.shardline.metrics.MetricNames;
import dev.shardline.metrics.MetricTags;
import dev.shardline.state.VersionedSerializer;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Writes records to Kafka, at least once or exactly once ({@code deliveryGuarantee}).
 *
 * <ul>
 *   <li><b>at-least-once</b> (default): one idempotent producer per writer; every checkpoint waits
 *       until the brokers acknowledged all records sent before it, and a failed send fails the
 *       pipeline (it restarts from the last checkpoint and writes those records again), so no
 *       record is lost silently.
 *   <li><b>exactly-once</b>: one Kafka transaction per writer and checkpoint, with the stable id
 *       {@code <transactionalIdPrefix>-<writer>-<checkpoint>}; it is flushed and prepared at the
 *       checkpoint and committed by the {@link KafkaCommitter} only once the checkpoint is durable.
 *       After a crash the restored checkpoint's transactions are committed again (idempotently) and
 *       those of later, never-durable checkpoints are aborted. Consumers must read with {@code
 *       isolation.level=read_committed}. See {@link TransactionalIds} for the id scheme and changed
 *       parallelism.
 * </ul>
 *
 * <pre>{@code
 * KafkaSink<JsonNode> sink =
 *     KafkaSink.<JsonNode>builder()
 *         .format(JsonFormat.forJsonNode())
 *         .bootstrapServers("127.0.0.1:9092")
 *         .topic("orders-enriched")
 *         .key(order -> order.get("customer").asText())
 *         .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
 *         .build();
 * }</pre>
 *
 * <p>Defaults are those of {@link KafkaSinkOptions}; producers default to {@code acks=all}.
 * Immutable and thread-safe; its writers are used by one worker thread each.
 *
 * <p>Serializable, so that it can be shipped to Flink: it holds its {@link Configuration}, its
 * value format and its topic and key functions ({@link SerializableFunction}s: a lambda passed to
 * the builder is serializable as long as what it captures is) only; producers, admin clients and
 * their threads are made by {@link #createWriter} and {@link #createCommitter}.
 *
 * @param <T> the records it accepts
 */
public final class KafkaSink<T> implements TransactionalSink<T, KafkaCommittable> {
  private static final long serialVersionUID = 1L;

  private final Configuration config;
  private final SerializationSchema<? super T> valueSchema;
  private final SerializableFunction<? super T, String> topicSelector;
  private final SerializableFunction<? super T, byte[]> keySelector;
  private final String formatName;

  private KafkaSink(
      Configuration config,
      SerializationSchema<? super T> valueSchema,
      SerializableFunction<? super T, String> topicSelector,
      SerializableFunction<? super T, byte[]> keySelector) {
    this.config = config;
    this.valueSchema = valueSchema;
    this.topicSelector = topicSelector;
    this.keySelector = keySelector;
    this.formatName =
        valueSchema instanceof Format<?> f
            ? "format " + f.name()
            : valueSchema.getClass().getName();
  }

  /**
   * A builder with the defaults; its values are written by {@link Builder#format} or, when none is
   * given, by the format the {@code format} options name (default {@code bytes}, for {@code byte[]}
   * records). Every connector's builder starts this way ({@code KinesisSource.builder()}, {@code
   * KinesisSink.builder()}, {@link KafkaSource#builder()}).
   */
  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /**
   * The same from options as YAML gives them (nested or dotted keys), as every connector's {@code
   * fromConfiguration} takes them.
   *
   * @throws ConfigException naming the first invalid, unknown or inconsistent option
   */
  public static KafkaSink<Object> fromConfiguration(Map<?, ?> yaml) {
    checkNotNull(yaml, "yaml");
    return fromConfiguration(Configuration.fromMap(yaml));
  }

  /**
   * A sink as {@code config} says ({@link KafkaSinkOptions#OPTIONS}: the Kafka options and the
   * format). It writes to {@code topic}, without keys.
   *
   * @throws ConfigException naming the first invalid, unknown or inconsistent option
   */
  public static KafkaSink<Object> fromConfiguration(Configuration config) {
    Configuration valid = KafkaSinkOptions.OPTIONS.validate(checkNotNull(config, "config"));
    valid.get(KafkaSinkOptions.TOPIC); // options give no topic function: "Missing option" names it
    return new Builder<Object>(valid).build();
  }

  /** The validated configuration (secrets masked in its {@code toString()}). */
  public Configuration configuration() {
    return config;
  }

  /** The delivery guarantee. */
  public DeliveryGuarantee deliveryGuarantee() {
    return config.get(KafkaSinkOptions.DELIVERY_GUARANTEE);
  }

  /**
   * The transactional id prefix of this exactly-once sink in the pipeline {@code context} belongs
   * to: {@code transactionalIdPrefix}, or {@code shardline-<pipeline>-<sink id>} (the sink's id in
   * the pipeline, e.g. {@code sink-0}, so two Kafka sinks of one pipeline never share ids); on a
   * runtime that gives no sink id, {@code shardline-<pipeline>-<topic>}, or {@code
   * shardline-<pipeline>} when a function chooses the topic.
   */
  public String transactionalIdPrefix(SinkContext context) {
    return config
        .getOptional(KafkaSinkOptions.TRANSACTIONAL_ID_PREFIX)
        .orElseGet(
            () ->
                "shardline-"
                    + context.pipelineName()
                    + context
                        .sinkId()
                        .or(() -> config.getOptional(KafkaSinkOptions.TOPIC))
                        .map(id -> "-" + id.replaceAll("[^A-Za-z0-9._-]", "_"))
                        .orElse(""));
  }

  @Override
  public CommittingSinkWriter<T, KafkaCommittable> createWriter(SinkContext context) {
    RecordSerializer<T> serializer = recordSerializer();
    String bootstrap = config.get(KafkaSinkOptions.BOOTSTRAP_SERVERS);
    Counter written =
        Counter.builder(MetricNames.SINK_RECORDS)
            .description(
                "Records the Kafka sink flushed (at-least-once) or prepared in a"
                    + " transaction (exactly-once)")
            .tags(
                MetricTags.empty()
                    .sink("kafka:" + config.getOptional(KafkaSinkOptions.TOPIC).orElse("*")))
            .register(context.metrics());
    Map<String, Object> properties = producerProperties(context);
    ClusterWatch watch = clusterWatch(properties.get(ProducerConfig.CLIENT_ID_CONFIG) + "-watch");
    if (deliveryGuarantee() == DeliveryGuarantee.AT_LEAST_ONCE) {
      return new AtLeastOnceKafkaWriter<>(properties, serializer, bootstrap, watch, written);
    }
    TransactionalIds ids =
        new TransactionalIds(
            transactionalIdPrefix(context),
            context.writerIndex(),
            context.parallelism(),
            ClientProperties.forAdmin(config.get(KafkaSinkOptions.PROPERTIES), bootstrap));
    return new ExactlyOnceKafkaWriter<>(
        properties,
        serializer,
        ids,
        context.restoredCheckpointId().orElse(0),
        context.firstCheckpointId(),
        config.getOptional(KafkaSinkOptions.TOPIC).orElse(null),
        bootstrap,
        watch,
        written);
  }

  /** How a writer makes Kafka records: the topic and key functions and the value format. */
  RecordSerializer<T> recordSerializer() {
    return new RecordSerializer<>(valueSchema, topicSelector, keySelector, formatName);
  }

  /**
   * A watch of whether the brokers answer, on a thread of its own named {@code threadName} (a
   * writer may block in a producer call), failing after {@code unreachableTimeout}.
   */
  ClusterWatch clusterWatch(String threadName) {
    return ClusterWatch.ownThread(
        config.get(KafkaSinkOptions.BOOTSTRAP_SERVERS),
        config.get(KafkaSinkOptions.UNREACHABLE_TIMEOUT),
        KafkaSinkOptions.UNREACHABLE_TIMEOUT.key(),
        threadName);
  }

  @Override
  public Committer<KafkaCommittable> createCommitter(SinkContext context) {
    Map<String, Object> properties = producerProperties(context);
    properties.put(
        ProducerConfig.CLIENT_ID_CONFIG, "shardline-" + context.pipelineName() + "-committer");
    return new KafkaCommitter(
        properties,
        config.get(KafkaSinkOptions.BOOTSTRAP_SERVERS),
        config.get(KafkaSinkOptions.TRANSACTION_TIMEOUT),
        () -> clusterWatch(properties.get(ProducerConfig.CLIENT_ID_CONFIG) + "-watch"));
  }

  @Override
  public VersionedSerializer<KafkaCommittable> committableSerializer() {
    return KafkaCommittableSerializer.INSTANCE;
  }

  /** The properties of a writer's producers. */
  Map<String, Object> producerProperties(SinkContext context) {
    Map<String, String> user = config.get(KafkaSinkOptions.PROPERTIES);
    Map<String, Object> owned = new HashMap<>();
    owned.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(KafkaSinkOptions.BOOTSTRAP_SERVERS));
    String clientId =
        user.getOrDefault(ProducerConfig.CLIENT_ID_CONFIG, "shardline-" + context.pipelineName());
    owned.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-writer-" + context.writerIndex());
    if (deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
      owned.put(
          ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
          (int)
              Math.min(
                  Integer.MAX_VALUE, config.get(KafkaSinkOptions.TRANSACTION_TIMEOUT).toMillis()));
    }
    return new HashMap<>(
        ClientProperties.merge(user, owned, Map.of(ProducerConfig.ACKS_CONFIG, "all")));
  }

  @Override
  public String toString() {
    return "KafkaSink{" + config + "}";
  }

  /** A text key function's result as UTF-8 bytes. */
  private static final class Utf8Key<T> implements SerializableFunction<T, byte[]> {
    private static final long serialVersionUID = 1L;
    private final SerializableFunction<? super T, String> selector;

    Utf8Key(SerializableFunction<? super T, String> selector) {
      this.selector = selector;
    }

    @Override
    public byte[] apply(T record) {
      String key = selector.apply(record);
      return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * Builds a {@link KafkaSink}: every option method sets the value of one of the {@link
   * KafkaSinkOptions} (the same rules and defaults as in YAML); the functions are Java-only. Not
   * thread-safe.
   *
   * @param <T> the records it accepts
   */
  public static final class Builder<T> extends KafkaConnectorBuilder<Builder<T>> {
    private SerializationSchema<? super T> schema;
    private SerializableFunction<? super T, String> topicSelector;
    private SerializableFunction<? super T, byte[]> keySelector;

    private Builder() {
      this(Configuration.empty());
    }

    private Builder(Configuration initial) {
      super(initial, KafkaSinkOptions.PROPERTIES, "KafkaSink");
    }

    /**
     * How a record becomes the value of a Kafka record, e.g. {@code JsonFormat.forJsonNode()};
     * default: the format the {@code format} options name ({@code bytes} unless set).
     */
    public Builder<T> format(SerializationSchema<? super T> format) {
      this.schema = checkNotNull(format, "format");
      return this;
    }

    /** Options as YAML gives them (nested or dotted keys), on top of what is set. */
    public Builder<T> options(Map<?, ?> yaml) {
      return putAll(yaml);
    }

    /** {@code bootstrapServers} (required): the brokers to connect to first, host:port pairs. */
    public Builder<T> bootstrapServers(String bootstrapServers) {
      return set(KafkaSinkOptions.BOOTSTRAP_SERVERS, bootstrapServers);
    }

    /** {@code topic}: every record goes there. Give this or {@link #topicSelector}. */
    public Builder<T> topic(String topic) {
      return set(KafkaSinkOptions.TOPIC, topic);
    }

    /** The topic of each record, chosen by {@code selector}. Give this or {@link #topic}. */
    public Builder<T> topicSelector(SerializableFunction<? super T, String> selector) {
      this.topicSelector = checkNotNull(selector, "selector");
      return this;
    }

    /** The key of each record as UTF-8 text (null for none); default: no key. */
    public Builder<T> key(SerializableFunction<? super T, String> selector) {
      this.keySelector = new Utf8Key<T>(checkNotNull(selector, "selector"));
      return this;
    }

    /** The key of each record as bytes (null for none); default: no key. */
    public Builder<T> keyBytes(SerializableFunction<? super T, byte[]> selector) {
      this.keySelector = checkNotNull(selector, "selector");
      return this;
    }

    /**
     * {@code deliveryGuarantee} (default at-least-once): at-least-once waits at each checkpoint
     * until the brokers acknowledged every record sent; exactly-once writes one Kafka transaction
     * per writer and checkpoint, committed once the checkpoint is durable.
     */
    public Builder<T> deliveryGuarantee(DeliveryGuarantee guarantee) {
      return set(KafkaSinkOptions.DELIVERY_GUARANTEE, guarantee);
    }

    /**
     * {@code transactionalIdPrefix} (default shardline-PIPELINE-SINK: the pipeline's name and the
     * sink's id), for exactly-once: the start of every transactional id; unique per sink across all
     * pipelines writing to the cluster, and stable across restarts.
     */
    public Builder<T> transactionalIdPrefix(String prefix) {
      return set(KafkaSinkOptions.TRANSACTIONAL_ID_PREFIX, prefix);
    }

    /**
     * {@code transactionTimeout} (default 15 min), for exactly-once: how long a transaction may
     * stay open before the broker aborts it; it must cover a checkpoint interval plus a restart.
     */
    public Builder<T> transactionTimeout(Duration timeout) {
      return set(KafkaSinkOptions.TRANSACTION_TIMEOUT, timeout);
    }

    /**
     * {@code unreachableTimeout} (default 30 s): how long the brokers may give no answer before a
     * writer or committer fails naming {@code bootstrapServers}.
     */
    public Builder<T> unreachableTimeout(Duration timeout) {
      return set(KafkaSinkOptions.UNREACHABLE_TIMEOUT, timeout);
    }

    /**
     * A Kafka producer property under {@code properties} (default none), passed through unchanged;
     * the properties the sink owns (bootstrap servers, transactions, serializers) are refused
     * naming the option to use.
     */
    public Builder<T> property(String key, String value) {
      return setProperty(key, value);
    }

    /**
     * Sets any option of {@link KafkaSinkOptions#OPTIONS}, typed, e.g. {@code
     * option(KafkaSinkOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(5))}, as the Kinesis builders
     * take them.
     *
     * @throws ConfigException at {@link #build()} when the value is invalid
     */
    public <V> Builder<T> option(ConfigOption<V> option, V value) {
      return set(checkNotNull(option, "option"), value);
    }

    /**
     * The sink.
     *
     * @throws ConfigException for invalid or inconsistent options, or when neither a topic nor a
     *     topic function is given (or both are)
     */
    public KafkaSink<T> build() {
      Configuration valid = validate(KafkaSinkOptions.OPTIONS, schema != null);
      boolean topic = valid.contains(KafkaSinkOptions.TOPIC);
      if (topic == (topicSelector != null)) {
        throw new ConfigException(
            KafkaSinkOptions.TOPIC.key(),
            topic
                ? "Both topic and a topic function are set; keep one"
                : "A Kafka sink needs a topic: set topic, or a topic function with"
                    + " topicSelector(...)");
      }
      SerializableFunction<? super T, String> topics;
      if (topic) {
        String fixed = valid.get(KafkaSinkOptions.TOPIC);
        topics = record -> fixed;
      } else {
        topics = topicSelector;
      }
      return new KafkaSink<>(
          valid, schema != null ? schema : optionsFormat(valid), topics, keySelector);
    }

    @SuppressWarnings("unchecked")
    private static <T> SerializationSchema<? super T> optionsFormat(Configuration valid) {
      return (SerializationSchema<? super T>)
          FormatOptions.createFormat(valid, valid.getOptional(KafkaSinkOptions.TOPIC).orElse(null));
    }
  }
}
