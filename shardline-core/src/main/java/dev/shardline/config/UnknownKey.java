package dev.shardline.config;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.util.Optional;

/**
 * A configuration key that no declared option accepts, with the declared key it most likely was
 * meant to be. Found by {@link OptionSet#unknownKeys}; the CLI reports them. Immutable.
 *
 * <pre>{@code
 * for (UnknownKey unknown : options.unknownKeys(config)) {
 *   System.err.println(unknown.message());
 * }
 * }</pre>
 *
 * @param key the key as given, dotted
 * @param suggestion the closest declared key, when one is close enough to be a typo, or the new key
 *     of a renamed option
 * @param renamed whether {@code key} is the former key of the option named by {@code suggestion}
 */
public record UnknownKey(String key, Optional<String> suggestion, boolean renamed) {

  public UnknownKey {
    checkNotNull(key, "key");
    checkNotNull(suggestion, "suggestion");
    if (renamed && suggestion.isEmpty()) {
      throw new IllegalArgumentException("A renamed key needs its new key");
    }
  }

  /** An unknown key, with the closest declared key if one is close enough to be a typo. */
  public UnknownKey(String key, Optional<String> suggestion) {
    this(key, suggestion, false);
  }

  /** A key that an option had before it was renamed {@code newKey}. */
  public static UnknownKey renamed(String key, String newKey) {
    return new UnknownKey(key, Optional.of(checkNotNull(newKey, "newKey")), true);
  }

  /**
   * For a person: {@code Unknown option "flush.maxAgee"; did you mean "flush.maxAge"?}, {@code
   * Unknown option "retry.initialBackoff"; did you mean "retry.backoff.initial"? (the option was
   * renamed)}, or a hint to the option reference when no key is close.
   */
  public String message() {
    return "Unknown option \""
        + key
        + "\""
        + suggestion
            .map(
                s -> "; did you mean \"" + s + "\"?" + (renamed ? " (the option was renamed)" : ""))
            .orElse("; remove it, or see the option reference for the keys accepted here");
  }
}
