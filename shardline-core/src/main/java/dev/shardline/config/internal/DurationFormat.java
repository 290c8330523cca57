package dev.shardline.config.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations the way users write them: {@code 500ms}, {@code 10s}, {@code 1m},
 * {@code 1.5h}, or ISO-8601 ({@code PT1S}). Units: ns, us, ms, s, m (or min), h, d,
 * case-insensitive. A bare {@code 0} means zero; any other bare number is refused, because nobody
 * can tell its unit from the text.
 */
public final class DurationFormat {

  /** The fix shown for any malformed duration. */
  public static final String HOW_TO_WRITE =
      "not a duration; use a number with a unit, such as 500ms, 10s or 1m";

  private static final Pattern TEXT = Pattern.compile("(-?[0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]+)");

  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "min", 60_000_000_000L,
          "h", 3_600_000_000_000L,
          "d", 86_400_000_000_000L);

  private static final String[] FORMAT_UNITS = {"d", "h", "m", "s", "ms", "us"};

  private DurationFormat() {}

  /**
   * Reads a duration.
   *
   * @throws IllegalArgumentException with {@link #HOW_TO_WRITE} or a more specific fix
   */
  public static Duration parse(String text) {
    String s = text.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    String upper = s.toUpperCase(Locale.ROOT);
    if (upper.startsWith("P") || upper.startsWith("-P")) {
      try {
        return Duration.parse(s);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "not an ISO-8601 duration; write it like PT1S or PT1M30S, or as a number with a unit,"
                + " such as 500ms, 10s or 1m");
      }
    }
    Matcher m = TEXT.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException(HOW_TO_WRITE);
    }
    Long nanosPerUnit = NANOS_PER_UNIT.get(m.group(2).toLowerCase(Locale.ROOT));
    if (nanosPerUnit == null) {
      throw new IllegalArgumentException(
          "unknown duration unit; use ns, us, ms, s, m, h or d, such as 500ms, 10s or 1m");
    }
    BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit));
    try {
      return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("too long; the longest duration is about 292 years");
    }
  }

  /** The shortest exact text form, e.g. {@code 10s}, {@code 1m}, {@code 1500ms}, {@code 0ms}. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0ms";
    }
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException e) {
      return duration.toString();
    }
    for (String unit : FORMAT_UNITS) {
      long per = NANOS_PER_UNIT.get(unit);
      if (nanos % per == 0) {
        return nanos / per + unit;
      }
    }
    return nanos + "ns";
  }
}
