package dev.shardline.connectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.api.function.SerializableFunction;
import java.io.UncheckedIOException;

/**
 * How the built-in text sinks ({@code FileSink}, {@code StdoutSink}) turn a record into one line;
 * the value of their {@code format} option. Thread-safe.
 *
 * <pre>{@code
 * SerializableFunction<Object, String> encoder = LineFormat.JSON_LINES.encoder();
 * encoder.apply(Map.of("n", 1)); // {"n":1}
 * }</pre>
 */
public enum LineFormat {
  /** {@code String.valueOf(record)}. Written {@code lines}. */
  LINES,
  /**
   * One JSON document per line, written by Jackson ({@code ObjectMapper.writeValueAsString}); a
   * {@code String} record becomes a JSON string. Written {@code json-lines}.
   */
  JSON_LINES;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The function from a record to its line (without the line break); serializable. */
  public SerializableFunction<Object, String> encoder() {
    return this == LINES ? String::valueOf : LineFormat::toJson;
  }

  private static String toJson(Object record) {
    try {
      return JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Cannot write " + record + " as JSON", e);
    }
  }
}
