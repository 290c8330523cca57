package dev.shardline.config;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.config.internal.KeySuggester;
import dev.shardline.config.internal.OptionTypes;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The options one component accepts, and its cross-field rules: what the CLI checks a YAML section
 * against, and what the docs generator lists. Usually collected from {@code *Options} classes:
 * every {@code public static final} {@link ConfigOption} and {@link ConfigValidator} field, in
 * declaration order. Immutable and thread-safe.
 *
 * <pre>{@code
 * OptionSet options = OptionSet.of(KinesisSourceOptions.class, FormatOptions.class);
 * Configuration config = options.read(yamlSection); // checks keys, values and cross-field rules
 * }</pre>
 */
public final class OptionSet {
  private final Map<String, ConfigOption<?>> byKey;
  private final List<ConfigValidator> validators;

  private OptionSet(Map<String, ConfigOption<?>> byKey, List<ConfigValidator> validators) {
    this.byKey = byKey;
    this.validators = List.copyOf(validators);
  }

  /**
   * The options and cross-field rules declared in these classes, in order.
   *
   * @throws IllegalArgumentException when two options share a key
   */
  public static OptionSet of(Class<?>... optionsClasses) {
    List<ConfigOption<?>> options = new ArrayList<>();
    List<ConfigValidator> validators = new ArrayList<>();
    for (Class<?> type : optionsClasses) {
      checkNotNull(type, "optionsClasses");
      for (Field field : type.getDeclaredFields()) {
        int modifiers = field.getModifiers();
        if (!Modifier.isStatic(modifiers) || !Modifier.isPublic(modifiers)) {
          continue;
        }
        Object value;
        try {
          value = field.get(null);
        } catch (IllegalAccessException e) {
          throw new IllegalArgumentException("Cannot read " + type.getName() + "." + field, e);
        }
        if (value instanceof ConfigOption<?> option) {
          options.add(option);
        } else if (value instanceof ConfigValidator validator) {
          validators.add(validator);
        }
      }
    }
    return of(options, validators);
  }

  /**
   * These options and cross-field rules.
   *
   * @throws IllegalArgumentException when two options share a key
   */
  public static OptionSet of(
      Collection<? extends ConfigOption<?>> options, Collection<ConfigValidator> validators) {
    checkNotNull(options, "options");
    checkNotNull(validators, "validators");
    Map<String, ConfigOption<?>> byKey = new LinkedHashMap<>();
    for (ConfigOption<?> option : options) {
      checkNotNull(option, "option");
      ConfigOption<?> previous = byKey.putIfAbsent(option.key(), option);
      checkArgument(
          previous == null || previous == option,
          "Option key \"" + option.key() + "\" is declared twice");
    }
    return new OptionSet(byKey, new ArrayList<>(validators));
  }

  /** Both sets together: this one's options first. */
  public OptionSet with(OptionSet other) {
    checkNotNull(other, "other");
    List<ConfigOption<?>> options = new ArrayList<>(byKey.values());
    options.addAll(other.byKey.values());
    List<ConfigValidator> all = new ArrayList<>(validators);
    all.addAll(other.validators);
    return of(options, all);
  }

  /** The options, in declaration order. */
  public List<ConfigOption<?>> options() {
    return List.copyOf(byKey.values());
  }

  /** The cross-field rules, in declaration order. */
  public List<ConfigValidator> validators() {
    return validators;
  }

  /** The option declared with {@code key}. */
  public Optional<ConfigOption<?>> find(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** Whether some option accepts {@code key}: its own key, or a key nested in a map option. */
  public boolean accepts(String key) {
    if (byKey.containsKey(key)) {
      return true;
    }
    for (int dot = key.lastIndexOf('.'); dot > 0; dot = key.lastIndexOf('.', dot - 1)) {
      ConfigOption<?> parent = byKey.get(key.substring(0, dot));
      if (parent != null && parent.type() instanceof OptionTypes.StringMapType) {
        return true;
      }
    }
    return false;
  }

  /**
   * The keys of {@code config} that no option here accepts, each with a suggestion if any: the new
   * key for a key an option had before it was renamed ({@link ConfigOption#formerKeys}), else the
   * closest declared key when one is close enough to be a typo.
   */
  public List<UnknownKey> unknownKeys(Configuration config) {
    checkNotNull(config, "config");
    return config.keys().stream()
        .filter(key -> !accepts(key))
        .map(this::unknown)
        .collect(Collectors.toList());
  }

  private UnknownKey unknown(String key) {
    for (ConfigOption<?> option : byKey.values()) {
      if (option.formerKeys().contains(key)) {
        return UnknownKey.renamed(key, option.key());
      }
    }
    return new UnknownKey(key, KeySuggester.suggest(key, byKey.keySet()));
  }

  /**
   * Reads a nested or dotted map (e.g. a YAML section) and {@linkplain #validate validates} it.
   *
   * @throws ConfigException for the first problem found
   */
  public Configuration read(Map<?, ?> map) {
    return validate(Configuration.fromMap(map));
  }

  /**
   * Checks {@code config} completely, once, at startup: no unknown keys, every option's value valid
   * (and present where there is no default... only when read by a rule or a component), then the
   * cross-field rules.
   *
   * @return {@code config}, aware of which of these options are secret for {@link
   *     Configuration#toString()}
   * @throws ConfigException naming every unknown key (with suggestions), or the first bad value or
   *     broken rule
   */
  public Configuration validate(Configuration config) {
    checkNotNull(config, "config");
    List<UnknownKey> unknown = unknownKeys(config);
    if (unknown.size() == 1) {
      throw new ConfigException(unknown.get(0).key(), unknown.get(0).message());
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException(
          unknown.get(0).key(),
          unknown.size()
              + " unknown options: "
              + unknown.stream().map(UnknownKey::message).collect(Collectors.joining("; ")));
    }
    for (ConfigOption<?> option : byKey.values()) {
      config.getOptional(option);
    }
    for (ConfigValidator validator : validators) {
      validator.validate(config);
    }
    return config.withSecrets(byKey.values());
  }
}
