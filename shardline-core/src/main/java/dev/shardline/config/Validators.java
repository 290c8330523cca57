package dev.shardline.config;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.config.internal.Values;

/**
 * Common single-option rules. Each rule's text is both the error (after the key and value) and the
 * doc. Every validator here is immutable and thread-safe.
 *
 * <pre>{@code
 * .withValidator(Validators.atLeast(1))                          // "must be at least 1"
 * .withValidator(Validators.greaterThan(Duration.ZERO))          // "must be greater than 0ms"
 * .withValidator(Validators.atMost(DataSize.ofMebibytes(5)))     // "must be at most 5MiB"
 * }</pre>
 */
public final class Validators {
  private Validators() {}

  /** {@code value >= min}. */
  public static <T extends Comparable<? super T>> Validator<T> atLeast(T min) {
    checkNotNull(min, "min");
    return Validator.of("must be at least " + Values.display(min), v -> v.compareTo(min) >= 0);
  }

  /** {@code value > min}. */
  public static <T extends Comparable<? super T>> Validator<T> greaterThan(T min) {
    checkNotNull(min, "min");
    return Validator.of("must be greater than " + Values.display(min), v -> v.compareTo(min) > 0);
  }

  /** {@code value <= max}. */
  public static <T extends Comparable<? super T>> Validator<T> atMost(T max) {
    checkNotNull(max, "max");
    return Validator.of("must be at most " + Values.display(max), v -> v.compareTo(max) <= 0);
  }

  /** {@code min <= value <= max}. */
  public static <T extends Comparable<? super T>> Validator<T> between(T min, T max) {
    checkNotNull(min, "min");
    checkNotNull(max, "max");
    checkArgument(min.compareTo(max) <= 0, "min must not exceed max");
    return Validator.of(
        "must be from " + Values.display(min) + " to " + Values.display(max),
        v -> v.compareTo(min) >= 0 && v.compareTo(max) <= 0);
  }

  /** Not empty and not only whitespace. */
  public static Validator<String> notBlank() {
    return Validator.of("must not be empty", s -> !s.isBlank());
  }
}
