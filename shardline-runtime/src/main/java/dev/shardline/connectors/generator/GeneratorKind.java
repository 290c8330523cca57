package dev.shardline.connectors.generator;

/**
 * The built-in record generators of a {@link GeneratorSource}; the value of its {@code kind}
 * option. Custom generators ({@link GeneratorSource#builder}) are Java only.
 */
public enum GeneratorKind {
  /** The numbers {@code 0, 1, 2, ...} as {@code Long}s ({@link GeneratorSource#sequence()}). */
  SEQUENCE,
  /**
   * JSON text {@code {"seq":n,"key":"key-<n % keys>","payload":"..."}} ({@link
   * GeneratorSource#jsonEvents(int, int)}). Written {@code json-events}.
   */
  JSON_EVENTS
}
