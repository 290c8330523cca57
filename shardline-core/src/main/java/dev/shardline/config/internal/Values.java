package dev.shardline.config.internal;

import dev.shardline.config.DataSize;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Shows values the way a user writes them, for messages and docs. */
public final class Values {
  private Values() {}

  /** {@code 10s} for a duration, {@code dead-letter} for an enum, {@code a, b} for a list. */
  public static String display(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Duration d) {
      return DurationFormat.format(d);
    }
    if (value instanceof DataSize) {
      return value.toString();
    }
    if (value instanceof Enum<?> e) {
      return enumText(e);
    }
    if (value instanceof Collection<?> c) {
      return c.stream().map(Values::display).collect(Collectors.joining(", "));
    }
    if (value instanceof Map<?, ?> m) {
      return m.entrySet().stream()
          .map(e -> e.getKey() + "=" + display(e.getValue()))
          .collect(Collectors.joining(", "));
    }
    return String.valueOf(value);
  }

  /** An enum constant as written in configuration: {@code DEAD_LETTER} is {@code dead-letter}. */
  public static String enumText(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
