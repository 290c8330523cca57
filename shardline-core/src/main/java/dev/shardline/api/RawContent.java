package dev.shardline.api;

/**
 * A record that can give its content as bytes, exactly. A sink that must dead-letter a record it
 * could not serialize (its format failed on it) sends these bytes rather than {@code
 * String.valueOf(record)}, which would lose bytes that are not valid UTF-8. A {@code byte[]} record
 * is its own content.
 */
public interface RawContent {

  /** The record's content; not copied, so not to be changed. */
  byte[] rawContent();

  /**
   * The bytes a dead letter of {@code record} carries when it could not be serialized: its {@link
   * #rawContent()}, a {@code byte[]} record itself, or else {@code String.valueOf(record)} as
   * UTF-8.
   */
  static byte[] of(Object record) {
    if (record instanceof RawContent raw) {
      return raw.rawContent();
    }
    if (record instanceof byte[] bytes) {
      return bytes;
    }
    return String.valueOf(record).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
