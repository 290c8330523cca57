package dev.shardline.cli.connect;

import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.OptionSet;

/**
 * The options a pipeline file adds to a Kinesis sink: where each record's partition key and
 * explicit hash key come from (the Java builder takes functions for these). Constants only.
 *
 * <pre>{@code
 * - type: kinesis
 *   stream: orders-copy
 *   partitionKey: /customerId          # or metadata.partitionKey
 * }</pre>
 */
public final class KinesisSinkKeyOptions {
  private KinesisSinkKeyOptions() {}

  public static final ConfigOption<String> PARTITION_KEY =
      ConfigOptions.key("partitionKey")
          .stringType()
          .noDefaultValue()
          .withValidator(KeyExpression.RULE)
          .withDescription(
              "Where each record's partition key comes from: a JSON pointer into the record"
                  + " (/customerId) or a metadata field of the source (metadata.partitionKey). A"
                  + " record without it gets a random key. When not set: a random key per record.");

  public static final ConfigOption<String> EXPLICIT_HASH_KEY =
      ConfigOptions.key("explicitHashKey")
          .stringType()
          .noDefaultValue()
          .withValidator(KeyExpression.RULE)
          .withDescription(
              "Where each record's explicit hash key (a decimal 128-bit number choosing the"
                  + " shard) comes from, as for partitionKey. When not set: none, the partition"
                  + " key's MD5 chooses the shard.");

  public static final OptionSet OPTIONS = OptionSet.of(KinesisSinkKeyOptions.class);
}
