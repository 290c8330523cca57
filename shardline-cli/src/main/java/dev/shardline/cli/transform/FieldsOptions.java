package dev.shardline.cli.transform;

import dev.shardline.cli.connect.JsonPointers;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.OptionSet;
import java.util.List;

/**
 * The options of the {@code keepFields} and {@code dropFields} transforms. Constants only,
 * thread-safe.
 *
 * <pre>{@code
 * - type: keepFields
 *   fields: [/orderId, /customer/id, /amount]
 * }</pre>
 */
public final class FieldsOptions {
  private FieldsOptions() {}

  public static final ConfigOption<List<String>> FIELDS =
      ConfigOptions.key("fields")
          .stringListType()
          .noDefaultValue()
          .withValidator(JsonPointers.POINTERS)
          .withDescription(
              "The JSON fields, as JSON pointers. keepFields: the record keeps only these (at"
                  + " their paths; missing ones are skipped). dropFields: these are removed."
                  + " Required.");

  /** {@code fields} is required. */
  public static final ConfigValidator RULES = config -> config.get(FIELDS);

  public static final OptionSet OPTIONS = OptionSet.of(FieldsOptions.class);
}
