package dev.shardline.kafka.config;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.format.FormatOptions;
import java.util.Map;

/**
 * The machinery the builders of {@code KafkaSource} and {@code KafkaSink} share: each of their
 * methods sets the value of one declared option through {@link #set} (so the Java builder follows
 * the same rules and defaults as YAML), pass-through client properties are set the same way ({@link
 * #setProperty}), and {@link #validate} checks every value, refusing a {@code format} option when
 * the builder was given its format in Java ({@code format(..)}, {@code deserializer(..)}). It has
 * no public methods: each builder declares its own, so their signatures stay the builders' own. Not
 * thread-safe.
 *
 * <pre>{@code
 * public Builder<V> groupId(String groupId) {
 *   return set(KafkaSourceOptions.GROUP_ID, groupId);
 * }
 * }</pre>
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class KafkaConnectorBuilder<B extends KafkaConnectorBuilder<B>> {
  private final Configuration.Builder config;
  private final ConfigOption<Map<String, String>> propertiesOption;
  private final String connector;

  /**
   * @param initial the values set so far (e.g. read from YAML)
   * @param properties the connector's {@code properties} option (client properties passed through)
   * @param connector the class users build, e.g. {@code KafkaSource}, for messages
   */
  protected KafkaConnectorBuilder(
      Configuration initial, ConfigOption<Map<String, String>> properties, String connector) {
    this.config = checkNotNull(initial, "initial").toBuilder();
    this.propertiesOption = checkNotNull(properties, "properties");
    this.connector = checkNotNull(connector, "connector");
  }

  /**
   * A builder holding the values {@code from} holds, for a setter that changes the builder's type
   * (a source's {@code format(..)}); {@code from} is not used after.
   */
  protected KafkaConnectorBuilder(KafkaConnectorBuilder<?> from) {
    this(from.config.build(), from.propertiesOption, from.connector);
  }

  /**
   * Sets the Kafka client property {@code key} under {@code properties} (consumer properties for a
   * source, producer properties for a sink), passed through.
   */
  protected B setProperty(String key, String value) {
    checkNotNull(key, "key");
    checkArgument(!key.isBlank(), "key cannot be blank");
    return setRaw(propertiesOption.key() + "." + key, value);
  }

  /** Sets {@code option} to {@code value}; checked by {@link #validate}. */
  protected <T> B set(ConfigOption<T> option, T value) {
    config.set(option, value);
    return self();
  }

  /** Sets the option {@code key} as YAML would; checked by {@link #validate}. */
  protected B setRaw(String key, Object value) {
    config.setRaw(key, value);
    return self();
  }

  /** Sets options as YAML gives them (nested or dotted keys); checked by {@link #validate}. */
  protected B putAll(Map<?, ?> yaml) {
    config.putAll(checkNotNull(yaml, "yaml"));
    return self();
  }

  /**
   * The values set, validated by {@code options} (their own rules, then the cross-field ones).
   *
   * @param formatFromJava whether the builder was given its format in Java, which a {@code format}
   *     option would contradict
   * @throws ConfigException naming the first invalid, unknown or inconsistent option, or {@code
   *     format} when the builder was given its format in Java
   */
  protected Configuration validate(OptionSet options, boolean formatFromJava) {
    Configuration valid = options.validate(config.build());
    if (formatFromJava && valid.contains(FormatOptions.FORMAT)) {
      throw new ConfigException(
          FormatOptions.FORMAT.key(),
          "the format is set in Java with "
              + connector
              + ".builder().format(..); remove the format option, or build from options only with "
              + connector
              + ".fromConfiguration(..)");
    }
    return valid;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}
