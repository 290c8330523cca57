package dev.shardline.cli.connect;

import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.OptionSet;

/**
 * The option a pipeline file adds to a Kafka sink: where each record's key comes from (the Java
 * builder takes a function). Constants only.
 *
 * <pre>{@code
 * - type: kafka
 *   topic: orders
 *   key: metadata.partitionKey          # or a JSON pointer, /customerId
 * }</pre>
 */
public final class KafkaSinkKeyOptions {
  private KafkaSinkKeyOptions() {}

  public static final ConfigOption<String> KEY =
      ConfigOptions.key("key")
          .stringType()
          .noDefaultValue()
          .withValidator(KeyExpression.RULE)
          .withDescription(
              "Where each record's Kafka key (UTF-8 text) comes from: a JSON pointer into the"
                  + " record (/customerId) or a metadata field of the source"
                  + " (metadata.partitionKey). A record without it has no key. When not set: no"
                  + " keys.");

  public static final OptionSet OPTIONS = OptionSet.of(KafkaSinkKeyOptions.class);
}
