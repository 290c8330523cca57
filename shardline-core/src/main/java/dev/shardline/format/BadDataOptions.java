package dev.shardline.format;

import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.OptionSet;
import dev.shardline.config.Validators;
import java.time.Duration;

/**
 * The options of the bad-data policy, shared by every source: what to do with a record that fails
 * to deserialize, and how often to log about it. Read by {@link RecordDecoder.Builder#configure}.
 * Thread-safe (constants only).
 *
 * <pre>{@code
 * # YAML
 * badData:
 *   policy: dead-letter
 *   logInterval: 1m
 * }</pre>
 *
 * <p>Defaults: {@code policy: fail}, {@code logInterval: 10s}.
 */
public final class BadDataOptions {
  private BadDataOptions() {}

  public static final ConfigOption<BadDataPolicy> POLICY =
      ConfigOptions.key("badData.policy")
          .enumType(BadDataPolicy.class)
          .defaultValue(BadDataPolicy.FAIL)
          .withDescription(
              "What to do with a record that cannot be deserialized: fail (stop, naming the"
                  + " record), drop (skip it, counted and logged), or dead-letter (send its raw"
                  + " bytes to the pipeline's dead-letter sink; needs one).");

  public static final ConfigOption<Duration> LOG_INTERVAL =
      ConfigOptions.key("badData.logInterval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withValidator(Validators.atLeast(Duration.ZERO))
          .withDescription(
              "At most one WARN line per interval about dropped or dead-lettered records; the"
                  + " next line says how many were not logged. 0ms logs every one.");

  /** These options. */
  public static final OptionSet OPTIONS = OptionSet.of(BadDataOptions.class);
}
