package dev.shardline.format;

/**
 * The built-in formats, as named in configuration ({@code format: json}). See {@link
 * FormatOptions}.
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
