package dev.shardline.config;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One declared option: key, type, default, description, rules, and whether it is secret. Declared
 * once, as a {@code public static final} field of a connector's {@code *Options} class, and used by
 * the Java builders, the CLI's YAML and the generated docs alike. Created through {@link
 * ConfigOptions#key(String)}. Immutable and thread-safe; the {@code with...} methods return copies.
 *
 * <pre>{@code
 * public static final ConfigOption<Duration> FLUSH_MAX_AGE =
 *     ConfigOptions.key("flush.maxAge")
 *         .durationType()
 *         .defaultValue(Duration.ofSeconds(1))
 *         .withValidator(Validators.greaterThan(Duration.ZERO))
 *         .withDescription("Flush buffered records once the oldest is this old.");
 * }</pre>
 *
 * <p>Defaults: no description, no validator, not secret.
 *
 * @param <T> the value type
 */
public final class ConfigOption<T> {
  private final String key;
  private final OptionType<T> type;
  private final T defaultValue;
  private final String description;
  private final List<Validator<? super T>> validators;
  private final boolean secret;
  private final List<String> formerKeys;

  ConfigOption(
      String key,
      OptionType<T> type,
      T defaultValue,
      String description,
      List<Validator<? super T>> validators,
      boolean secret,
      List<String> formerKeys) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.description = description;
    this.validators = List.copyOf(validators);
    this.secret = secret;
    this.formerKeys = List.copyOf(formerKeys);
  }

  /** The key, dotted camelCase segments, e.g. {@code awsRegion.type}. */
  public String key() {
    return key;
  }

  /** How values are read and written. */
  public OptionType<T> type() {
    return type;
  }

  /** The value used when the configuration has none. */
  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** What the option does, for docs. */
  public String description() {
    return description;
  }

  /** Whether the value must never be shown (passwords, secret keys, tokens). */
  public boolean isSecret() {
    return secret;
  }

  /**
   * The keys this option had before it was renamed; a configuration that still uses one is refused
   * with the new key ({@link OptionSet#unknownKeys}). Empty by default.
   */
  public List<String> formerKeys() {
    return formerKeys;
  }

  /** The rules the value must follow, in words, e.g. {@code "must be at least 1"}; may be empty. */
  public String rules() {
    return validators.stream()
        .map(Validator::description)
        .filter(d -> !d.isEmpty())
        .collect(Collectors.joining("; "));
  }

  /** A copy with the description {@code description}. */
  public ConfigOption<T> withDescription(String description) {
    return new ConfigOption<>(
        key,
        type,
        defaultValue,
        checkNotNull(description, "description"),
        validators,
        secret,
        formerKeys);
  }

  /**
   * A copy that also checks {@code validator}.
   *
   * @throws IllegalArgumentException when the default value breaks the rule (a declaration bug)
   */
  public ConfigOption<T> withValidator(Validator<? super T> validator) {
    checkNotNull(validator, "validator");
    if (defaultValue != null) {
      try {
        validator.ensureValid(defaultValue);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "The default of option \"" + key + "\" breaks its own rule: " + e.getMessage(), e);
      }
    }
    List<Validator<? super T>> all = new ArrayList<>(validators);
    all.add(validator);
    return new ConfigOption<>(key, type, defaultValue, description, all, secret, formerKeys);
  }

  /** A copy marked secret: its value never appears in {@code toString()}, errors or docs. */
  public ConfigOption<T> secret() {
    return new ConfigOption<>(key, type, defaultValue, description, validators, true, formerKeys);
  }

  /**
   * A copy that names the keys this option had before a rename, so that a configuration still using
   * one gets "did you mean" with the new key instead of a plain unknown option.
   */
  public ConfigOption<T> withFormerKeys(String... keys) {
    List<String> all = new ArrayList<>(formerKeys);
    for (String former : keys) {
      all.add(checkNotNull(former, "key"));
    }
    return new ConfigOption<>(key, type, defaultValue, description, validators, secret, all);
  }

  /**
   * Checks {@code value} against every rule.
   *
   * @throws ConfigException naming the key, the value (masked when secret) and the broken rule
   */
  public T validate(T value) {
    checkNotNull(value, "value");
    for (Validator<? super T> validator : validators) {
      try {
        validator.ensureValid(value);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key, value, secret, e.getMessage());
      }
    }
    return value;
  }

  /**
   * Reads a raw value (as YAML or a properties file gives it) and checks it.
   *
   * @throws ConfigException naming the key, the value (masked when secret) and the fix
   */
  public T parse(Object raw) {
    checkNotNull(raw, "raw");
    T value;
    try {
      value = type.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, raw, secret, e.getMessage());
    }
    return validate(value);
  }

  /** The value as a user writes it, or {@value ConfigException#MASK} when secret. */
  public String display(T value) {
    return secret ? ConfigException.MASK : type.format(value);
  }

  /** The key and type, e.g. {@code flush.maxAge (duration)}; never a value. */
  @Override
  public String toString() {
    return key + " (" + type.name() + ")";
  }
}
