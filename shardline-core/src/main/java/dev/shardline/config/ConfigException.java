package dev.shardline.config;

import dev.shardline.api.ShardlineException;
import dev.shardline.config.internal.Values;
import java.util.Optional;

/**
 * A configuration value is missing, malformed, out of range, or inconsistent with another. The
 * message names the key, the bad value (shown as {@code ****} when the option is secret) and the
 * fix, for example:
 *
 * <pre>
 * Invalid value "abc" for option "flush.maxAge": not a duration; use a number with a unit, such as 500ms, 10s or 1m
 * </pre>
 *
 * <p>Thrown when a {@link Configuration} is read, by {@link ConfigValidator}s, and by components
 * that find a setting they cannot work with at startup. Never retriable: the configuration must
 * change. Immutable and thread-safe.
 */
public class ConfigException extends ShardlineException {
  private static final long serialVersionUID = 1L;

  /** What is shown instead of a secret value. */
  public static final String MASK = "****";

  private final String key;
  private final String value;

  /** An error about the configuration as a whole, or about several keys at once. */
  public ConfigException(String message) {
    super(message);
    this.key = null;
    this.value = null;
  }

  /**
   * An invalid value for one option.
   *
   * @param key the option's key, e.g. {@code flush.maxAge}
   * @param value the value as given; shown masked when {@code secret}
   * @param secret whether the option is secret
   * @param problem what is wrong and how to fix it, e.g. {@code "must be at least 1"}; must not
   *     repeat the value
   */
  public ConfigException(String key, Object value, boolean secret, String problem) {
    super(
        "Invalid value \""
            + (secret ? MASK : Values.display(value))
            + "\" for option \""
            + key
            + "\": "
            + problem);
    this.key = key;
    this.value = secret ? MASK : Values.display(value);
  }

  /** An error about one key without a particular value (e.g. a missing required option). */
  public ConfigException(String key, String message) {
    super(message);
    this.key = key;
    this.value = null;
  }

  /** The key at fault, when the error is about one key. */
  public Optional<String> key() {
    return Optional.ofNullable(key);
  }

  /** The bad value as shown in the message ({@value #MASK} for secrets), when there is one. */
  public Optional<String> value() {
    return Optional.ofNullable(value);
  }
}
