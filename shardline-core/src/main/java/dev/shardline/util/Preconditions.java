package dev.shardline.util;

import java.time.Duration;

/**
 * Argument checks with uniform messages: {@code NullPointerException("x cannot be null")} for
 * nulls, {@code IllegalArgumentException} naming the argument, the bad value and the rule for bad
 * values. User configuration is validated by the options layer and fails with a {@code
 * ConfigException}; these are for programming errors.
 */
public final class Preconditions {
  private Preconditions() {}

  /** Returns {@code value}, or throws {@code NullPointerException("<name> cannot be null")}. */
  public static <T> T checkNotNull(T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + " cannot be null");
    }
    return value;
  }

  /** Throws {@code IllegalArgumentException(message)} unless {@code condition} holds. */
  public static void checkArgument(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Throws {@code IllegalStateException(message)} unless {@code condition} holds. */
  public static void checkState(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  /** Returns {@code value} if it is above zero. */
  public static long checkPositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be greater than 0, was " + value);
    }
    return value;
  }

  /** Returns {@code value} if it is zero or more. */
  public static long checkNotNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be 0 or more, was " + value);
    }
    return value;
  }

  /** Returns {@code value} if it is not null and longer than zero. */
  public static Duration checkPositive(Duration value, String name) {
    checkNotNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be longer than 0, was " + value);
    }
    return value;
  }
}
