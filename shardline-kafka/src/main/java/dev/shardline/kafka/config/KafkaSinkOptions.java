package dev.shardline.kafka.config;

import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.config.Validator;
import dev.shardline.config.Validators;
import dev.shardline.format.FormatOptions;
import dev.shardline.format.Framing;
import dev.shardline.retry.ServerReachability;
import java.time.Duration;
import java.util.Map;

/**
 * The options of a Kafka sink: declared once here, read by {@code KafkaSink.builder()} (which only
 * sets these values), by the CLI's YAML, and by the generated reference in the module README. The
 * sink also takes the {@link FormatOptions} (without framing). Thread-safe (constants only).
 *
 * <pre>{@code
 * # YAML
 * bootstrapServers: 127.0.0.1:9092
 * topic: orders-enriched
 * deliveryGuarantee: exactly-once
 * transactionalIdPrefix: orders-enricher
 * format: json
 * properties:
 *   compression.type: zstd
 * }</pre>
 *
 * <p>Defaults: at-least-once; for exactly-once a transactional id prefix derived from the pipeline
 * name and the sink's id ({@code shardline-<pipeline>-sink-0}) and a transaction timeout of 15
 * minutes.
 */
public final class KafkaSinkOptions {
  private KafkaSinkOptions() {}

  /** Producer properties the sink sets itself, with what to do instead. */
  static final Map<String, String> RESERVED_PRODUCER_PROPERTIES =
      Map.of(
          "bootstrap.servers", "use the option bootstrapServers",
          "transactional.id",
              "the sink names its transactions itself; use the option transactionalIdPrefix",
          "transaction.timeout.ms", "use the option transactionTimeout",
          "key.serializer", "the sink writes bytes made by format; remove it",
          "value.serializer", "the sink writes bytes made by format; remove it");

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      ConfigOptions.key("bootstrapServers")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.hostAndPortList("127.0.0.1:9092"))
          .withDescription("The brokers to connect to first.");

  public static final ConfigOption<String> TOPIC =
      ConfigOptions.key("topic")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.notBlank())
          .withDescription(
              "The topic to write to. From Java, a function choosing the topic per record may"
                  + " replace it.");

  public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE =
      ConfigOptions.key("deliveryGuarantee")
          .enumType(DeliveryGuarantee.class)
          .defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
          .withDescription(
              "at-least-once: each checkpoint waits until the brokers acknowledged every record"
                  + " sent; a crash writes the records since the last checkpoint again."
                  + " exactly-once: one Kafka transaction per writer and checkpoint, committed once"
                  + " the checkpoint is durable; read the topic with isolation.level"
                  + " read_committed.");

  public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
      ConfigOptions.key("transactionalIdPrefix")
          .stringType()
          .noDefaultValue()
          .withValidator(
              Validator.of(
                  "must be letters, digits, '.', '_' or '-'",
                  (String s) -> s.matches("[A-Za-z0-9._-]+")))
          .withDescription(
              "For exactly-once: the start of every transactional id; an id is the prefix, the"
                  + " writer index and the checkpoint id joined by dashes (orders-enricher-0-42)."
                  + " Unique per sink across all pipelines writing to the cluster, and stable"
                  + " across restarts. When not set: shardline-PIPELINE-SINK, PIPELINE being the"
                  + " pipeline's name and SINK the sink's id in the pipeline (sink-0, sink-1, ...).");

  public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
      ConfigOptions.key("transactionTimeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(15))
          .withValidator(Validators.atLeast(Duration.ofSeconds(1)))
          .withDescription(
              "For exactly-once: how long a transaction may stay open before the broker aborts"
                  + " it (producer transaction.timeout.ms). It must cover a checkpoint interval"
                  + " plus the time to restart after a crash, or the records of the checkpoint"
                  + " being committed are lost; the broker caps it at transaction.max.timeout.ms"
                  + " (15 minutes by default).");

  public static final ConfigOption<Duration> UNREACHABLE_TIMEOUT =
      ConfigOptions.key("unreachableTimeout")
          .durationType()
          .defaultValue(ServerReachability.DEFAULT_LIMIT)
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription(
              "How long the brokers may give no answer (connection refused, no route, timeouts)"
                  + " before a writer or committer fails with an error naming bootstrapServers. Once"
                  + " records or a call have waited 2s without an answer, the sink tries to connect"
                  + " to the bootstrap servers: if none accepts, a WARN names them and the cause at"
                  + " once, and the limit counts from then (an INFO when the brokers answer again)."
                  + " A failure restarts the pipeline from its last checkpoint as its restart"
                  + " policy allows. Brokers that accept connections but do not answer are left to"
                  + " the producer's own timeouts (max.block.ms, delivery.timeout.ms).");

  public static final ConfigOption<Map<String, String>> PROPERTIES =
      ConfigOptions.key("properties")
          .stringMapType()
          .defaultValue(Map.of())
          .withDescription(
              "Kafka producer properties passed through unchanged, e.g. compression.type,"
                  + " linger.ms, security.protocol, sasl.jaas.config. Values whose keys suggest"
                  + " secrets (password, jaas, ...) are never shown. bootstrap.servers,"
                  + " transactional.id, transaction.timeout.ms and the serializers are set by the"
                  + " options above.");

  /** The cross-field rules, run once after every value passed its own rules. */
  public static final ConfigValidator RULES = KafkaSinkOptions::checkConsistent;

  /** These options and the format options, with their rules. */
  public static final OptionSet OPTIONS = OptionSet.of(KafkaSinkOptions.class, FormatOptions.class);

  private static void checkConsistent(Configuration config) {
    config.get(BOOTSTRAP_SERVERS);
    boolean exactlyOnce = config.get(DELIVERY_GUARANTEE) == DeliveryGuarantee.EXACTLY_ONCE;
    for (ConfigOption<?> option :
        new ConfigOption<?>[] {TRANSACTIONAL_ID_PREFIX, TRANSACTION_TIMEOUT}) {
      if (!exactlyOnce && config.contains(option)) {
        throw new ConfigException(
            option.key(),
            option.key()
                + " applies only to deliveryGuarantee exactly-once; remove it or set"
                + " deliveryGuarantee: exactly-once");
      }
    }
    if (config.get(FormatOptions.FRAMING) != Framing.NONE) {
      throw new ConfigException(
          FormatOptions.FRAMING.key(),
          "framing applies only to sources; a Kafka sink writes one value per Kafka record."
              + " Remove it");
    }
    for (String key : config.get(PROPERTIES).keySet()) {
      String fix = RESERVED_PRODUCER_PROPERTIES.get(key);
      if (fix != null) {
        throw new ConfigException(
            PROPERTIES.key() + "." + key,
            "The producer property " + key + " is set by the Kafka sink; " + fix);
      }
    }
  }
}
