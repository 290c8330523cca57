package dev.shardline.format;

/**
 * The built-in formats, as named in configuration ({@code format: json}); the default is {@link
 * #BYTES}. See {@link FormatOptions}, whose {@code createFormat} turns one into a {@link Format}.
 *
 * <pre>{@code
 * Format<?> format = FormatOptions.createFormat(
 *     Configuration.builder().set(FormatOptions.FORMAT, FormatType.JSON).build());
 * }</pre>
 */
public enum FormatType {
  /** {@link JsonFormat}: JSON to and from {@code JsonNode}. */
  JSON,
  /** {@link AvroFormat}: Avro binary with a given schema, to and from {@code JsonNode}. */
  AVRO,
  /** {@link StringFormat}: text in a charset. */
  STRING,
  /** {@link BytesFormat}: bytes unchanged. */
  BYTES
}
