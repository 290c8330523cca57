package dev.shardline.config;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.config.internal.OptionTypes;
import dev.shardline.config.internal.Values;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable set of option values, read from a nested map (what a YAML parser gives), from flat
 * dotted keys ({@code flush.maxAge=1s}), or from a {@link Builder}. Values stay as given until
 * {@link #get} reads them: each read parses the value with the option's type and checks its rules,
 * failing with a {@link ConfigException} that names the key. Keys nobody declared are kept, so
 * {@link OptionSet#unknownKeys} can report them. Thread-safe.
 *
 * <pre>{@code
 * // flush: {maxAge: 500ms}   or   flush.maxAge: 500ms
 * Configuration config = Configuration.fromMap(yaml);
 * Duration maxAge = config.get(KinesisSinkOptions.FLUSH_MAX_AGE); // the default when not set
 *
 * Configuration built = Configuration.builder()
 *     .set(KinesisSinkOptions.FLUSH_MAX_AGE, Duration.ofMillis(500))
 *     .build();
 * }</pre>
 *
 * <p>Secrets: {@link #toString()} shows {@code ****} for every value of an option declared secret
 * (set through {@link Builder#set}, or read through {@link OptionSet#read}) and of every key whose
 * name suggests a secret ({@code password}, {@code secret}, {@code token}, {@code credential},
 * {@code jaas}, {@code apiKey}, {@code privateKey}).
 *
 * <p>Serializable (sources and sinks hold one and are shipped to Flink): every value must be, which
 * the built-in option types' values are; a {@link Path} value travels as its text and is read back
 * as a path of the default file system. Secrets travel too, unmasked, as they must to be used.
 */
public final class Configuration implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final List<String> SECRET_WORDS =
      List.of(
          "secret", "password", "passwd", "token", "credential", "jaas", "apikey", "privatekey");

  private static final Configuration EMPTY = new Configuration(new TreeMap<>(), Set.of());

  private final SortedMap<String, Object> values;
  private final Set<String> secretKeys;

  private Configuration(SortedMap<String, Object> values, Set<String> secretKeys) {
    this.values = Collections.unmodifiableSortedMap(values);
    this.secretKeys = Set.copyOf(secretKeys);
  }

  /** No values: every option reads as its default. */
  public static Configuration empty() {
    return EMPTY;
  }

  /**
   * Reads a map whose keys are nested ({@code {flush: {maxAge: 1s}}}), dotted ({@code
   * {flush.maxAge: 1s}}), or both. Nested maps become dotted keys; lists and scalars are kept as
   * values; {@code null} values count as not set.
   *
   * @throws ConfigException when a key is given twice (once nested, once dotted), or a key is not a
   *     string
   */
  public static Configuration fromMap(Map<?, ?> map) {
    checkNotNull(map, "map");
    return builder().putAll(map).build();
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder(new TreeMap<>(), new HashSet<>());
  }

  /** A builder starting from these values. */
  public Builder toBuilder() {
    return new Builder(new TreeMap<>(values), new HashSet<>(secretKeys));
  }

  /**
   * The value of {@code option}, or its default.
   *
   * @throws ConfigException when the value is malformed or breaks a rule, or when the option has
   *     neither a value nor a default
   */
  public <T> T get(ConfigOption<T> option) {
    return getOptional(option)
        .orElseThrow(
            () ->
                new ConfigException(
                    option.key(),
                    "Missing option \""
                        + option.key()
                        + "\" ("
                        + option.type().name()
                        + ")"
                        + (option.description().isEmpty() ? "" : ": " + option.description())
                        + (option.description().endsWith(".") ? "" : ".")
                        + " Set it; it has no default."));
  }

  /**
   * The value of {@code option}, or its default, or empty when it has neither.
   *
   * @throws ConfigException when the value is malformed or breaks a rule
   */
  public <T> Optional<T> getOptional(ConfigOption<T> option) {
    checkNotNull(option, "option");
    Object raw = raw(option);
    return raw == null ? option.defaultValue() : Optional.of(option.parse(raw));
  }

  /** Whether {@code option} has a value here (its default does not count). */
  public boolean contains(ConfigOption<?> option) {
    checkNotNull(option, "option");
    return raw(option) != null;
  }

  /** Every key with a value, dotted, sorted. */
  public Set<String> keys() {
    return values.keySet();
  }

  /**
   * The values below {@code prefix}, with the prefix removed: {@code subset("deadLetter")} of
   * {@code deadLetter.stream=dlq} holds {@code stream=dlq}. What is secret here is secret there,
   * nested keys of a secret map option included.
   */
  public Configuration subset(String prefix) {
    checkNotNull(prefix, "prefix");
    String start = prefix + ".";
    SortedMap<String, Object> sub = new TreeMap<>();
    for (Map.Entry<String, Object> e : values.tailMap(start).entrySet()) {
      if (!e.getKey().startsWith(start)) {
        break;
      }
      sub.put(e.getKey().substring(start.length()), e.getValue());
    }
    Set<String> secrets = new HashSet<>();
    for (String secret : secretKeys) {
      if (secret.startsWith(start)) {
        // the option's key below the prefix; isSecretKey masks its nested keys too
        secrets.add(secret.substring(start.length()));
      } else if (prefix.equals(secret) || prefix.startsWith(secret + ".")) {
        // the whole subset lies inside a secret option
        secrets.addAll(sub.keySet());
      }
    }
    return new Configuration(sub, secrets);
  }

  /** A copy that also masks the values of these options' keys in {@link #toString()}. */
  Configuration withSecrets(Collection<ConfigOption<?>> options) {
    Set<String> secrets = new HashSet<>(secretKeys);
    for (ConfigOption<?> option : options) {
      if (option.isSecret()) {
        secrets.add(option.key());
      }
    }
    return new Configuration(new TreeMap<>(values), secrets);
  }

  /** Whether the value at {@code key} must be masked. */
  boolean isSecretKey(String key) {
    if (secretKeys.contains(key)) {
      return true;
    }
    for (String secret : secretKeys) {
      if (key.startsWith(secret + ".")) {
        return true;
      }
    }
    String lower = key.toLowerCase(Locale.ROOT).replace(".", "");
    return SECRET_WORDS.stream().anyMatch(lower::contains);
  }

  /** The raw value of {@code option}; for maps, the direct value merged with nested keys. */
  private Object raw(ConfigOption<?> option) {
    Object direct = values.get(option.key());
    if (!(option.type() instanceof OptionTypes.StringMapType)) {
      return direct;
    }
    String start = option.key() + ".";
    Map<String, Object> merged = new LinkedHashMap<>();
    if (direct != null) {
      merged.putAll(cast((Map<?, ?>) option.parse(direct)));
    }
    for (Map.Entry<String, Object> e : values.tailMap(start).entrySet()) {
      if (!e.getKey().startsWith(start)) {
        break;
      }
      merged.put(e.getKey().substring(start.length()), e.getValue());
    }
    return direct == null && merged.isEmpty() ? null : merged;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Configuration c && c.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** Every key and value, secrets shown as {@code ****}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("Configuration{");
    String separator = "";
    for (Map.Entry<String, Object> e : values.entrySet()) {
      out.append(separator)
          .append(e.getKey())
          .append('=')
          .append(isSecretKey(e.getKey()) ? ConfigException.MASK : Values.display(e.getValue()));
      separator = ", ";
    }
    return out.append('}').toString();
  }

  /** Writes a {@link SerializedForm} instead, which turns {@link Path} values into text. */
  private Object writeReplace() {
    TreeMap<String, Object> serializable = new TreeMap<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      serializable.put(
          e.getKey(),
          e.getValue() instanceof Path path ? new PathText(path.toString()) : e.getValue());
    }
    return new SerializedForm(serializable, new HashSet<>(secretKeys));
  }

  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a Configuration is read through its SerializedForm");
  }

  /** What a {@link Configuration} is serialized as. */
  private static final class SerializedForm implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TreeMap<String, Object> values;
    private final HashSet<String> secretKeys;

    SerializedForm(TreeMap<String, Object> values, HashSet<String> secretKeys) {
      this.values = values;
      this.secretKeys = secretKeys;
    }

    private Object readResolve() {
      TreeMap<String, Object> restored = new TreeMap<>();
      for (Map.Entry<String, Object> e : values.entrySet()) {
        restored.put(
            e.getKey(),
            e.getValue() instanceof PathText text ? Path.of(text.path()) : e.getValue());
      }
      return new Configuration(restored, secretKeys);
    }
  }

  /** A {@link Path} value in a {@link SerializedForm}: {@code Path} is not serializable. */
  private record PathText(String path) implements Serializable {}

  /**
   * Builds a {@link Configuration}. What the connector builders use under the hood, so that a value
   * set from Java passes the same rules as one read from YAML. Not thread-safe.
   */
  public static final class Builder {
    private final SortedMap<String, Object> values;
    private final Set<String> secretKeys;

    private Builder(SortedMap<String, Object> values, Set<String> secretKeys) {
      this.values = values;
      this.secretKeys = secretKeys;
    }

    /**
     * Sets {@code option} to {@code value}, or removes it when {@code value} is null.
     *
     * @throws ConfigException when {@code value} breaks one of the option's rules
     */
    public <T> Builder set(ConfigOption<T> option, T value) {
      checkNotNull(option, "option");
      remove(option);
      if (value != null) {
        values.put(option.key(), option.validate(value));
        if (option.isSecret()) {
          secretKeys.add(option.key());
        }
      }
      return this;
    }

    /** Removes the value of {@code option} (for a map option, its nested keys too). */
    public Builder remove(ConfigOption<?> option) {
      checkNotNull(option, "option");
      values.remove(option.key());
      if (option.type() instanceof OptionTypes.StringMapType) {
        values.keySet().removeIf(k -> k.startsWith(option.key() + "."));
      }
      return this;
    }

    /**
     * Sets a raw value, as YAML or a properties file gives it, under a dotted key; checked when
     * read. A {@code null} value removes the key.
     */
    public Builder setRaw(String key, Object value) {
      checkNotNull(key, "key");
      if (value == null) {
        values.remove(key);
      } else if (value instanceof Map<?, ?> map) {
        flatten(key, map, new HashSet<>());
      } else {
        values.put(key, copy(value));
      }
      return this;
    }

    /**
     * Adds every value of a nested and/or dotted map (see {@link Configuration#fromMap}).
     *
     * @throws ConfigException when a key is given twice or is not a string
     */
    public Builder putAll(Map<?, ?> map) {
      checkNotNull(map, "map");
      flatten("", map, new HashSet<>());
      return this;
    }

    private void flatten(String prefix, Map<?, ?> map, Set<String> seen) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String) && !(e.getKey() instanceof Number)) {
          throw new ConfigException(
              "Configuration key " + e.getKey() + " under \"" + prefix + "\" is not text");
        }
        String key = prefix.isEmpty() ? e.getKey().toString() : prefix + "." + e.getKey();
        Object value = e.getValue();
        if (value instanceof Map<?, ?> nested) {
          flatten(key, nested, seen);
        } else if (value != null) {
          if (!seen.add(key)) {
            throw new ConfigException(
                key,
                "Option \""
                    + key
                    + "\" is given twice (once as nested keys, once as a dotted key); keep one");
          }
          values.put(key, copy(value));
        }
      }
    }

    private static Object copy(Object value) {
      return value instanceof List<?> list
          ? Collections.unmodifiableList(new ArrayList<>(list))
          : value;
    }

    /** The configuration; the builder may be used further. */
    public Configuration build() {
      return new Configuration(new TreeMap<>(values), secretKeys);
    }
  }
}
