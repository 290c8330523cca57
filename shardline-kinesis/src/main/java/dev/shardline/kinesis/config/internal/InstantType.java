package dev.shardline.kinesis.config.internal;

import dev.shardline.config.OptionType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Date;

/**
 * Option type of a point in time: ISO-8601 ({@code 2026-03-01T12:00:00Z}, {@code
 * 2026-03-01T13:00:00+01:00}), the Stateful Functions form with spaces ({@code 2026-03-01
 * 12:00:00.000 Z}), or milliseconds since the epoch. A {@link Date} from a YAML parser is taken as
 * is.
 */
public final class InstantType implements OptionType<Instant> {
  /** The one instance. */
  public static final InstantType INSTANCE = new InstantType();

  private static final String HOW =
      "not a date and time; use ISO-8601 such as 2026-03-01T12:00:00Z or"
          + " 2026-03-01T13:00:00+01:00, or milliseconds since the epoch";

  private InstantType() {}

  @Override
  public String name() {
    return "date";
  }

  @Override
  public Class<?> valueClass() {
    return Instant.class;
  }

  @Override
  public Instant parse(Object raw) {
    if (raw instanceof Instant instant) {
      return instant;
    }
    if (raw instanceof Date date) {
      return date.toInstant();
    }
    if (raw instanceof Long || raw instanceof Integer) {
      return Instant.ofEpochMilli(((Number) raw).longValue());
    }
    if (!(raw instanceof String text)) {
      throw new IllegalArgumentException(HOW);
    }
    String s = text.trim();
    if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
      try {
        return Instant.ofEpochMilli(Long.parseLong(s));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(HOW);
      }
    }
    // "2026-03-01 12:00:00.000 Z" (Stateful Functions) -> "2026-03-01T12:00:00.000Z"
    String iso = s.replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) ", "$1T").replaceFirst(" (?=[Z+-])", "");
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(iso).toInstant();
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException(HOW);
      }
    }
  }

  @Override
  public String format(Instant value) {
    return value.toString();
  }
}
