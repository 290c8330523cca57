package dev.shardline.config;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.util.function.Predicate;

/**
 * A rule one option's value must follow, checked every time the value is read (and when a builder
 * sets it). Rules about several options at once belong in a {@link ConfigValidator}. Common rules
 * are in {@link Validators}. Implementations are stateless and thread-safe.
 *
 * <pre>{@code
 * Validator<Integer> even = Validator.of("must be even", n -> n % 2 == 0);
 * }</pre>
 *
 * @param <T> the option's value type
 */
@FunctionalInterface
public interface Validator<T> {

  /**
   * Returns normally when {@code value} follows the rule.
   *
   * @throws IllegalArgumentException whose message states the rule (e.g. {@code "must be at least
   *     1"}) without repeating the value; the caller turns it into a {@link ConfigException}
   */
  void ensureValid(T value);

  /**
   * The rule in words for generated docs, e.g. {@code "must be at least 1"}; empty when there is
   * nothing to say.
   */
  default String description() {
    return "";
  }

  /** A validator from a rule text and a test; the rule text is both the error and the doc. */
  static <T> Validator<T> of(String rule, Predicate<? super T> test) {
    checkNotNull(rule, "rule");
    checkNotNull(test, "test");
    return new Validator<>() {
      @Override
      public void ensureValid(T value) {
        if (!test.test(value)) {
          throw new IllegalArgumentException(rule);
        }
      }

      @Override
      public String description() {
        return rule;
      }
    };
  }
}
