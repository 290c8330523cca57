package dev.shardline.cli.transform;

import dev.shardline.cli.connect.JsonPointers;
import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.OptionSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * The options of a {@code filter} transform: keep the records whose JSON field at {@code field}
 * matches exactly one condition. Constants only, thread-safe.
 *
 * <pre>{@code
 * - type: filter
 *   field: /status
 *   in: [paid, shipped]
 * }</pre>
 */
public final class FilterOptions {
  private FilterOptions() {}

  public static final ConfigOption<String> FIELD =
      ConfigOptions.key("field")
          .stringType()
          .noDefaultValue()
          .withValidator(JsonPointers.POINTER)
          .withDescription("The JSON field tested, as a JSON pointer. Required.");

  public static final ConfigOption<String> EQUALS =
      ConfigOptions.key("equals")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Keep records whose field equals this value (text, number or boolean; numbers"
                  + " compare by value: 5 equals 5.0). A record without the field is dropped.");

  public static final ConfigOption<String> NOT_EQUALS =
      ConfigOptions.key("notEquals")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Keep records whose field does not equal this value; a record without the field is"
                  + " kept.");

  public static final ConfigOption<List<String>> IN =
      ConfigOptions.key("in")
          .stringListType()
          .noDefaultValue()
          .withValidator(
              dev.shardline.config.Validator.of("must list at least one value", l -> !l.isEmpty()))
          .withDescription("Keep records whose field equals one of these values.");

  public static final ConfigOption<Boolean> EXISTS =
      ConfigOptions.key("exists")
          .booleanType()
          .noDefaultValue()
          .withDescription(
              "true: keep records that have the field (not null); false: keep those that do not.");

  /** {@code field} is required, and exactly one condition. */
  public static final ConfigValidator RULES =
      config -> {
        config.get(FIELD);
        long conditions =
            Stream.of(EQUALS, NOT_EQUALS, IN, EXISTS).filter(config::contains).count();
        if (conditions != 1) {
          throw new ConfigException(
              conditions == 0 ? FIELD.key() : EQUALS.key(),
              (conditions == 0 ? "A filter needs a condition" : "A filter takes one condition")
                  + ": give exactly one of equals, notEquals, in or exists");
        }
      };

  public static final OptionSet OPTIONS = OptionSet.of(FilterOptions.class);
}
