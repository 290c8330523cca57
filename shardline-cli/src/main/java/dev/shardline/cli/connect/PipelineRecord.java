package dev.shardline.cli.connect;

import static dev.shardline.util.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.api.RawContent;
import dev.shardline.api.ShardlineException;
import dev.shardline.format.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A record as a YAML pipeline carries it from its source through its transforms to its sinks: the
 * value the source's format produced ({@link JsonNode} for json and avro, {@code String}, {@code
 * byte[]}, or a number) and the source's metadata (for Kinesis the stream, shard id, partition key,
 * sequence number and arrival time; for Kafka the topic, partition, offset, timestamp, key and
 * headers; for every source {@value #READ_TIME}). Immutable; the value is not copied, so it must
 * not be changed in place (transforms copy JSON before they change it).
 */
public final class PipelineRecord implements RawContent {
  /** The metadata field every source has: when the pipeline read the record. */
  public static final String READ_TIME = "readTime";

  static final ObjectMapper JSON = JsonFormat.defaultMapper();

  private final Object value;
  private final Map<String, Object> metadata;

  private PipelineRecord(Object value, Map<String, Object> metadata) {
    this.value = checkNotNull(value, "value");
    this.metadata = metadata;
  }

  /**
   * A record of {@code value} with {@code metadata} (String, Number, Instant or byte[] values) and
   * {@value #READ_TIME} set to now.
   */
  public static PipelineRecord of(Object value, Map<String, Object> metadata) {
    Map<String, Object> all = new LinkedHashMap<>(metadata);
    all.putIfAbsent(READ_TIME, Instant.now());
    return new PipelineRecord(value, Collections.unmodifiableMap(all));
  }

  /** The value. */
  public Object value() {
    return value;
  }

  /** The metadata, by field name. */
  public Map<String, Object> metadata() {
    return metadata;
  }

  /** The same metadata with another value. */
  public PipelineRecord withValue(Object newValue) {
    return new PipelineRecord(newValue, metadata);
  }

  /**
   * The value as JSON: itself when it is JSON already, else parsed from its text or UTF-8 bytes.
   *
   * @throws ShardlineException when the value is not JSON, naming the fix
   */
  public JsonNode json() {
    if (value instanceof JsonNode node) {
      return node;
    }
    try {
      if (value instanceof String text) {
        return JSON.readTree(text);
      }
      if (value instanceof byte[] bytes) {
        return JSON.readTree(bytes);
      }
      return JSON.valueToTree(value);
    } catch (IOException e) {
      String reason =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException json
              ? json.getOriginalMessage()
              : e.getMessage();
      throw new ShardlineException(
          "A JSON transform, key or sink format needs JSON records, but a record is not JSON ("
              + reason
              + "); set the source's format to json, or use format string or bytes in the sink",
          e);
    }
  }

  /** The value as one line of text: JSON as compact JSON, bytes as UTF-8. */
  public String text() {
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return value.toString();
  }

  /** The value as bytes: text and JSON as UTF-8. */
  public byte[] bytes() {
    return value instanceof byte[] bytes ? bytes : text().getBytes(StandardCharsets.UTF_8);
  }

  /** A metadata field as text (an instant as ISO-8601, bytes as UTF-8), or null when absent. */
  public String metadataText(String field) {
    return asText(metadata.get(field));
  }

  /** A metadata field as a JSON value (an instant as ISO-8601 text), or null when absent. */
  public JsonNode metadataJson(String field) {
    Object raw = metadata.get(field);
    if (raw == null) {
      return null;
    }
    if (raw instanceof Number || raw instanceof Boolean || raw instanceof Map<?, ?>) {
      return JSON.valueToTree(raw);
    }
    if (raw instanceof java.util.List<?> list) {
      return JSON.valueToTree(list);
    }
    return JSON.getNodeFactory().textNode(asText(raw));
  }

  private static String asText(Object raw) {
    if (raw == null) {
      return null;
    }
    if (raw instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return raw.toString();
  }

  /**
   * The value as bytes ({@link #bytes()}): what a sink dead-letters for a record its format cannot
   * serialize, so the record's content is kept exactly, binary values included.
   */
  @Override
  public byte[] rawContent() {
    return bytes();
  }

  /** The value as text ({@link #text()}), so that the record's content shows, not its fields. */
  @Override
  public String toString() {
    return text();
  }
}
