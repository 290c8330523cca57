package dev.shardline.connectors.generator;

import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.Configuration;
import dev.shardline.config.DataSize;
import dev.shardline.config.OptionSet;
import dev.shardline.config.Validator;
import dev.shardline.config.Validators;
import java.util.Locale;

/**
 * The options of a {@link GeneratorSource}, declared once: its builder sets them, {@link
 * GeneratorSource#fromConfiguration} reads them from a parsed YAML section, and the reference table
 * in the module README is generated from them. Thread-safe (constants only).
 *
 * <pre>{@code
 * # YAML
 * kind: json-events
 * keys: 16
 * payloadSize: 100B
 * count: 1000000
 * ratePerSecond: 10000
 * }</pre>
 *
 * <p>Defaults: {@code kind} must be given; {@code count} unset (unbounded), {@code ratePerSecond}
 * unset (as fast as possible), {@code splits} unset (the pipeline's parallelism at the first
 * start), {@code batchSize: 256}; for {@code json-events}, {@code keys: 16} and {@code payloadSize:
 * 100B}.
 */
public final class GeneratorSourceOptions {
  private GeneratorSourceOptions() {}

  public static final ConfigOption<GeneratorKind> KIND =
      ConfigOptions.key("kind")
          .enumType(GeneratorKind.class)
          .noDefaultValue()
          .withDescription(
              "What to generate: sequence (the numbers 0, 1, 2, ... as longs) or json-events"
                  + " (JSON text {\"seq\":n,\"key\":\"key-k\",\"payload\":\"...\"} with k = n"
                  + " modulo keys and payloadSize letters of payload).");

  public static final ConfigOption<Long> COUNT =
      ConfigOptions.key("count")
          .longType()
          .noDefaultValue()
          .withValidator(Validators.atLeast(0L))
          .withDescription(
              "Emit the numbers 0 to count - 1, then end (a bounded source). When not set: runs"
                  + " until stopped.");

  public static final ConfigOption<Double> RATE_PER_SECOND =
      ConfigOptions.key("ratePerSecond")
          .doubleType()
          .noDefaultValue()
          .withValidator(
              Validator.of(
                  "must be greater than 0 (leave it out for no limit)",
                  rate -> rate > 0 && Double.isFinite(rate)))
          .withDescription(
              "At most this many records per second, in total over all readers, paced with the"
                  + " pipeline's clock; a reader that fell behind (a stall, a slow sink) catches up"
                  + " by at most 100 ms worth of records. When not set: as fast as possible.");

  public static final ConfigOption<Integer> KEYS =
      ConfigOptions.key("keys")
          .intType()
          .defaultValue(16)
          .withValidator(Validators.atLeast(1))
          .withDescription("How many distinct keys (key-0, key-1, ...), for kind json-events.");

  public static final ConfigOption<DataSize> PAYLOAD_SIZE =
      ConfigOptions.key("payloadSize")
          .dataSizeType()
          .defaultValue(DataSize.ofBytes(100))
          .withValidator(Validators.atMost(DataSize.ofMebibytes(16)))
          .withDescription(
              "The length of each payload (ASCII letters, so bytes and characters alike), for"
                  + " kind json-events.");

  public static final ConfigOption<Integer> SPLITS =
      ConfigOptions.key("splits")
          .intType()
          .noDefaultValue()
          .withValidator(Validators.atLeast(1))
          .withDescription(
              "How many splits the sequence space is cut into at the first start; fixed from then"
                  + " on (a restore keeps the checkpoint's splits). Choose more than the"
                  + " parallelism to scale up later. When not set: the pipeline's parallelism at"
                  + " the first start.");

  public static final ConfigOption<Integer> BATCH_SIZE =
      ConfigOptions.key("batchSize")
          .intType()
          .defaultValue(GeneratorSource.DEFAULT_BATCH_SIZE)
          .withValidator(Validators.atLeast(1))
          .withDescription("At most this many records per poll of a reader.");

  /** The cross-field rules of these options. */
  public static final ConfigValidator RULES = GeneratorSourceOptions::checkConsistent;

  /** These options and their rules. Declared last: it reads the fields above. */
  public static final OptionSet OPTIONS = OptionSet.of(GeneratorSourceOptions.class);

  private static void checkConsistent(Configuration config) {
    if (config.getOptional(KIND).orElse(null) == GeneratorKind.JSON_EVENTS) {
      return;
    }
    for (ConfigOption<?> option : new ConfigOption<?>[] {KEYS, PAYLOAD_SIZE}) {
      if (config.contains(option)) {
        String kind =
            config
                .getOptional(KIND)
                .map(k -> "is " + k.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .orElse("is not set");
        throw new ConfigException(
            option.key(),
            option.key()
                + " applies only to kind json-events, but kind "
                + kind
                + "; remove it or set kind: json-events");
      }
    }
  }
}
