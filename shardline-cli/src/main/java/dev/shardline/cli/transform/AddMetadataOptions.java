package dev.shardline.cli.transform;

import dev.shardline.cli.connect.JsonPointers;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.OptionSet;
import dev.shardline.config.Validator;
import java.util.Map;

/**
 * The options of the {@code addMetadata} transform: copy source metadata (partition key, arrival
 * time, offset, ...) into the JSON record. Constants only, thread-safe.
 *
 * <pre>{@code
 * - type: addMetadata
 *   fields:
 *     partitionKey: /kinesis/partitionKey
 *     arrivalTime: /kinesis/arrivedAt
 * }</pre>
 */
public final class AddMetadataOptions {
  private AddMetadataOptions() {}

  public static final ConfigOption<Map<String, String>> FIELDS =
      ConfigOptions.key("fields")
          .stringMapType()
          .noDefaultValue()
          .withValidator(
              Validator.of(
                  "must map metadata fields to JSON pointers, e.g. {partitionKey: /partitionKey}",
                  map -> !map.isEmpty() && map.values().stream().allMatch(JsonPointers::isPointer)))
          .withDescription(
              "Metadata field to the JSON pointer it is written at (objects on the way are"
                  + " created; an existing field is replaced). The fields a source has are listed"
                  + " with its type; readTime (when the pipeline read the record) is always there."
                  + " Times are ISO-8601 text. Required.");

  /** {@code fields} is required. */
  public static final ConfigValidator RULES = config -> config.get(FIELDS);

  public static final OptionSet OPTIONS = OptionSet.of(AddMetadataOptions.class);
}
