package dev.shardline.config;

/**
 * How the values of one kind of option are read from configuration and written back: a duration, an
 * enum, a data size and so on. The built-in types come from the typed methods of {@link
 * ConfigOptions.OptionBuilder}; every type accepts its own Java type as well as the text or number
 * a YAML parser gives. Implementations are immutable and thread-safe.
 *
 * <pre>{@code
 * OptionType<Duration> type = FLUSH_MAX_AGE.type();
 * type.name();                    // "duration"
 * type.format(type.parse("90s")); // "90s"
 * }</pre>
 *
 * @param <T> the value type
 */
public interface OptionType<T> {

  /** The type's name in docs and messages, e.g. {@code duration} or {@code enum}. */
  String name();

  /**
   * Further detail for docs, e.g. the allowed values of an enum ({@code "fail, drop,
   * dead-letter"}); empty when the name says it all.
   */
  default String detail() {
    return "";
  }

  /** The Java class of the values. */
  Class<?> valueClass();

  /**
   * Reads a raw value: an instance of the value type, or what a YAML or properties parser gives (a
   * string, a number, a boolean, a list).
   *
   * @throws IllegalArgumentException whose message says what is wrong and how to write the value
   *     right, without repeating the value (it may be secret)
   */
  T parse(Object raw);

  /** The value as a user would write it in YAML, e.g. {@code 10s}; used in docs and messages. */
  String format(T value);
}
