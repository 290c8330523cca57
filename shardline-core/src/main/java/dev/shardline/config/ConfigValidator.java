package dev.shardline.config;

/**
 * The cross-field rules of one connector or component (e.g. "format avro needs {@code avro.schema}
 * or {@code avro.schemaFile}, not both"), kept in one place and run once after the configuration is
 * read, after every single option has passed its own {@link Validator}.
 *
 * <p>Declare it as a {@code public static final} field of the {@code *Options} class next to the
 * options; {@link OptionSet#of(Class[])} picks it up and {@link OptionSet#validate(Configuration)}
 * runs it. Implementations are stateless and thread-safe.
 *
 * <pre>{@code
 * public static final ConfigValidator RULES = config -> {
 *   if (config.get(MIN) > config.get(MAX)) {
 *     throw new ConfigException("min (" + config.get(MIN) + ") must not exceed max ...");
 *   }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ConfigValidator {

  /**
   * Returns normally when {@code config} is consistent.
   *
   * @throws ConfigException naming the keys involved and how to fix them
   */
  void validate(Configuration config);
}
