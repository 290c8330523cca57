package dev.shardline.config;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.config.internal.OptionTypes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where option declarations start: {@code ConfigOptions.key("flush.maxAge").durationType()
 * .defaultValue(Duration.ofSeconds(1))}, as in Flink. Keys are dotted segments of camelCase
 * starting with a lower-case letter; in YAML each segment is one level of nesting ({@code
 * flush.maxAge} is {@code flush: {maxAge: 1s}}). Thread-safe (stateless).
 *
 * <pre>{@code
 * ConfigOption<Integer> MAX_RECORDS =
 *     ConfigOptions.key("flush.maxRecords")
 *         .intType()
 *         .defaultValue(500)
 *         .withValidator(Validators.between(1, 500))
 *         .withDescription("Flush once this many records are buffered.");
 * ConfigOption<String> SECRET_KEY =
 *     ConfigOptions.key("awsCredentials.secretAccessKey").stringType().noDefaultValue().secret();
 * }</pre>
 */
public final class ConfigOptions {
  private static final Pattern KEY = Pattern.compile("[a-z][a-zA-Z0-9]*(\\.[a-z][a-zA-Z0-9]*)*");

  private ConfigOptions() {}

  /**
   * Starts declaring the option {@code key}.
   *
   * @throws IllegalArgumentException when the key is not dotted camelCase
   */
  public static OptionBuilder key(String key) {
    checkNotNull(key, "key");
    checkArgument(
        KEY.matcher(key).matches(),
        "key must be dotted camelCase segments such as flush.maxAge, was \"" + key + "\"");
    return new OptionBuilder(key);
  }

  /** Picks the type of an option. */
  public static final class OptionBuilder {
    private final String key;

    private OptionBuilder(String key) {
      this.key = key;
    }

    /** Text. */
    public TypedBuilder<String> stringType() {
      return type(OptionTypes.STRING);
    }

    /** A 32-bit whole number. */
    public TypedBuilder<Integer> intType() {
      return type(OptionTypes.INT);
    }

    /** A 64-bit whole number. */
    public TypedBuilder<Long> longType() {
      return type(OptionTypes.LONG);
    }

    /** A finite floating-point number. */
    public TypedBuilder<Double> doubleType() {
      return type(OptionTypes.DOUBLE);
    }

    /** {@code true} or {@code false}. */
    public TypedBuilder<Boolean> booleanType() {
      return type(OptionTypes.BOOLEAN);
    }

    /** {@code 500ms}, {@code 10s}, {@code 1m}, {@code PT1S}; see {@link Duration}. */
    public TypedBuilder<Duration> durationType() {
      return type(OptionTypes.DURATION);
    }

    /** {@code 4MB}, {@code 1MiB}, or bytes; see {@link DataSize}. */
    public TypedBuilder<DataSize> dataSizeType() {
      return type(OptionTypes.DATA_SIZE);
    }

    /** An enum constant, case-insensitive; {@code DEAD_LETTER} is written {@code dead-letter}. */
    public <E extends Enum<E>> TypedBuilder<E> enumType(Class<E> enumClass) {
      return type(OptionTypes.enumType(enumClass));
    }

    /** A list of strings: a YAML list, or values separated by commas. */
    public TypedBuilder<List<String>> stringListType() {
      return type(OptionTypes.STRING_LIST);
    }

    /**
     * A map of strings: nested keys below this one, a YAML map, or {@code key=value} pairs
     * separated by commas. For pass-through properties such as {@code clientConfigProperties}.
     */
    public TypedBuilder<Map<String, String>> stringMapType() {
      return type(OptionTypes.STRING_MAP);
    }

    /**
     * A file system path: a {@link java.nio.file.Path} from Java, text from YAML; {@code use} says
     * whether the component writes into it as a directory or reads it as a file (what {@code
     * shardline validate} checks). See {@link PathType}.
     */
    public TypedBuilder<java.nio.file.Path> pathType(PathType.Use use) {
      return type(PathType.of(use));
    }

    /** A custom type. */
    public <T> TypedBuilder<T> type(OptionType<T> type) {
      return new TypedBuilder<>(key, checkNotNull(type, "type"));
    }
  }

  /**
   * Gives an option its default.
   *
   * @param <T> the value type
   */
  public static final class TypedBuilder<T> {
    private final String key;
    private final OptionType<T> type;

    private TypedBuilder(String key, OptionType<T> type) {
      this.key = key;
      this.type = type;
    }

    /** The option, with {@code value} used when the configuration has none. */
    public ConfigOption<T> defaultValue(T value) {
      checkNotNull(value, "value");
      return new ConfigOption<>(key, type, value, "", List.of(), false, List.of());
    }

    /** The option, without a default: {@link Configuration#get} fails when it is not set. */
    public ConfigOption<T> noDefaultValue() {
      return new ConfigOption<>(key, type, null, "", List.of(), false, List.of());
    }
  }
}
