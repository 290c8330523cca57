package dev.shardline.config;

import static dev.shardline.util.Preconditions.checkNotNegative;
import static dev.shardline.util.Preconditions.checkNotNull;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of bytes, as in the {@code 4MB} flush threshold of a sink. Immutable and thread-safe.
 *
 * <p>Text form: a number and a unit, case-insensitive, with optional space between. Decimal units
 * are powers of 1000 ({@code KB}, {@code MB}, {@code GB}), binary units powers of 1024 ({@code
 * KiB}, {@code MiB}, {@code GiB}); {@code B}, {@code bytes} or no unit mean bytes. A fraction is
 * allowed when the result is a whole number of bytes ({@code 1.5MB}). Negative sizes are refused.
 *
 * <pre>{@code
 * DataSize.parse("4MB").bytes();   // 4_000_000
 * DataSize.parse("5MiB").bytes();  // 5_242_880
 * DataSize.ofBytes(4_000_000);     // prints as "4MB"
 * }</pre>
 */
public final class DataSize implements Comparable<DataSize>, Serializable {
  private static final long serialVersionUID = 1L;

  private static final Pattern TEXT =
      Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]*)", Pattern.CASE_INSENSITIVE);

  private static final Map<String, Long> UNITS =
      Map.ofEntries(
          Map.entry("", 1L),
          Map.entry("b", 1L),
          Map.entry("byte", 1L),
          Map.entry("bytes", 1L),
          Map.entry("kb", 1_000L),
          Map.entry("kib", 1L << 10),
          Map.entry("mb", 1_000_000L),
          Map.entry("mib", 1L << 20),
          Map.entry("gb", 1_000_000_000L),
          Map.entry("gib", 1L << 30));

  // Largest first, binary before decimal at the same magnitude, for the shortest exact text.
  private static final String[] FORMAT_UNITS = {"GiB", "GB", "MiB", "MB", "KiB", "KB"};

  /** Zero bytes. */
  public static final DataSize ZERO = new DataSize(0);

  private final long bytes;

  private DataSize(long bytes) {
    this.bytes = checkNotNegative(bytes, "bytes");
  }

  /** A size of {@code bytes} bytes; 0 or more. */
  public static DataSize ofBytes(long bytes) {
    return new DataSize(bytes);
  }

  /** A size of {@code kibibytes} × 1024 bytes. */
  public static DataSize ofKibibytes(long kibibytes) {
    return new DataSize(Math.multiplyExact(kibibytes, 1L << 10));
  }

  /** A size of {@code mebibytes} × 1024² bytes. */
  public static DataSize ofMebibytes(long mebibytes) {
    return new DataSize(Math.multiplyExact(mebibytes, 1L << 20));
  }

  /** A size of {@code kilobytes} × 1000 bytes. */
  public static DataSize ofKilobytes(long kilobytes) {
    return new DataSize(Math.multiplyExact(kilobytes, 1_000L));
  }

  /** A size of {@code megabytes} × 1000² bytes. */
  public static DataSize ofMegabytes(long megabytes) {
    return new DataSize(Math.multiplyExact(megabytes, 1_000_000L));
  }

  /**
   * Reads the text form (see the class comment).
   *
   * @throws IllegalArgumentException naming the accepted form; the message does not repeat {@code
   *     text}
   */
  public static DataSize parse(String text) {
    checkNotNull(text, "text");
    Matcher m = TEXT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          text.trim().startsWith("-")
              ? "a data size cannot be negative"
              : "not a data size; use a number of bytes or a number with a unit, such as 512KB, 4MB"
                  + " or 1MiB");
    }
    Long unit = UNITS.get(m.group(2).toLowerCase(Locale.ROOT));
    if (unit == null) {
      throw new IllegalArgumentException(
          "unknown data size unit; use B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of"
              + " 1024)");
    }
    BigDecimal exact = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
    try {
      return new DataSize(exact.longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0
              ? "not a whole number of bytes; use a smaller unit"
              : "too large; the largest data size is " + Long.MAX_VALUE + " bytes");
    }
  }

  /** The size in bytes. */
  public long bytes() {
    return bytes;
  }

  @Override
  public int compareTo(DataSize other) {
    return Long.compare(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DataSize d && d.bytes == bytes;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(bytes);
  }

  /** The shortest exact text form, e.g. {@code 4MB}, {@code 5MiB} or {@code 1500B}. */
  @Override
  public String toString() {
    if (bytes != 0) {
      for (String unit : FORMAT_UNITS) {
        long factor = UNITS.get(unit.toLowerCase(Locale.ROOT));
        if (bytes % factor == 0) {
          return bytes / factor + unit;
        }
      }
    }
    return bytes + "B";
  }
}
