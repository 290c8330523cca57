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
 * @param suggestion the closest declared key, when one is close enough to be a typo
 */
public record UnknownKey(String key, Optional<String> suggestion) {

  public UnknownKey {
    checkNotNull(key, "key");
    checkNotNull(suggestion, "suggestion");
  }

  /**
   * For a person: {@code Unknown option "flush.maxAgee"; did you mean "flush.maxAge"?}, or a hint
   * to the option reference when no key is close.
   */
  public String message() {
    return "Unknown option \""
        + key
        + "\""
        + suggestion
            .map(s -> "; did you mean \"" + s + "\"?")
            .orElse("; remove it, or see the option reference for the keys accepted here");
  }
}
