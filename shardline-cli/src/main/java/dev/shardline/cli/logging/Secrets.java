package dev.shardline.cli.logging;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.config.ConfigException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The secret values of the pipeline file being run or validated (values of options declared secret,
 * of keys whose names suggest a secret, and of the environment variables they came from), so that
 * every line the command prints can be scrubbed of them: log lines, the status line, error messages
 * and {@code validate} output all pass through {@link #mask}. A second line of defence behind
 * {@link ConfigException}'s own masking. Thread-safe.
 */
public final class Secrets {
  /** Shorter values are not masked: they would mask unrelated text ("on", "1"). */
  static final int MIN_LENGTH = 4;

  private static final Set<String> VALUES = new CopyOnWriteArraySet<>();

  private static final List<String> SECRET_WORDS =
      List.of(
          "secret", "password", "passwd", "token", "credential", "jaas", "apikey", "privatekey");

  private Secrets() {}

  /** Remembers {@code value} as a secret; it is masked in everything printed from now on. */
  public static void register(String value) {
    checkNotNull(value, "value");
    if (value.length() >= MIN_LENGTH) {
      VALUES.add(value);
    }
  }

  /** Whether a configuration key's name suggests a secret (the words Configuration masks). */
  public static boolean looksSecret(String key) {
    String lower = key.toLowerCase(java.util.Locale.ROOT).replace(".", "");
    return SECRET_WORDS.stream().anyMatch(lower::contains);
  }

  /** {@code text} with every registered secret replaced by {@value ConfigException#MASK}. */
  public static String mask(String text) {
    if (text == null || VALUES.isEmpty()) {
      return text;
    }
    String masked = text;
    // longest first, so that a secret containing another is replaced whole
    for (String secret :
        VALUES.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
      masked = masked.replace(secret, ConfigException.MASK);
    }
    return masked;
  }

  /** Forgets every secret (tests). */
  static void clear() {
    VALUES.clear();
  }
}
