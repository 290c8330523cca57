package dev.shardline.format;

import static dev.shardline.util.Preconditions.checkNotNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.avro.AvroMapper;
import com.fasterxml.jackson.dataformat.avro.AvroSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Avro binary records (no container file header, no schema registry framing), read and written with
 * a schema you give, as JSON text or a file. Values are {@link JsonNode} trees (generic records: a
 * record is an object, bytes are binary nodes) or, through {@link #as}, instances of a class of
 * your own. Runs on Jackson's Avro support, so code using it needs only Jackson types. The format
 * named {@code avro}. Immutable, serializable (it keeps the schema text) and thread-safe.
 *
 * <p>Bad data: bytes that end before the record does, or that go on after it, fail to deserialize.
 * A value that does not fit the schema fails to serialize.
 *
 * <pre>{@code
 * AvroFormat<JsonNode> orders = AvroFormat.withSchemaFile(Path.of("order.avsc"));
 * AvroFormat<Order> typed = orders.as(Order.class);
 * }</pre>
 *
 * @param <T> the value type
 */
public final class AvroFormat<T> implements Format<T> {
  private static final long serialVersionUID = 1L;

  private final String schemaJson;
  private final Class<T> type;
  private transient volatile ObjectReader reader;
  private transient volatile ObjectWriter writer;

  private AvroFormat(String schemaJson, Class<T> type) {
    this.schemaJson = schemaJson;
    this.type = type;
  }

  /**
   * Avro with the schema {@code schemaJson} (Avro's JSON schema text), to and from {@link
   * JsonNode}.
   *
   * @throws IllegalArgumentException when the text is not a valid Avro schema
   */
  public static AvroFormat<JsonNode> withSchema(String schemaJson) {
    checkNotNull(schemaJson, "schemaJson");
    AvroFormat<JsonNode> format = new AvroFormat<>(schemaJson, JsonNode.class);
    format.reader();
    return format;
  }

  /**
   * Avro with the schema in {@code file} (an {@code .avsc}), read now, to and from {@link
   * JsonNode}.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no valid Avro schema
   */
  public static AvroFormat<JsonNode> withSchemaFile(Path file) {
    checkNotNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the Avro schema file " + file.toAbsolutePath() + " (" + e + ")", e);
    }
    return withSchema(text);
  }

  /** The same schema, to and from instances of {@code type}. */
  public <U> AvroFormat<U> as(Class<U> type) {
    AvroFormat<U> format = new AvroFormat<>(schemaJson, checkNotNull(type, "type"));
    format.reader();
    return format;
  }

  /** The schema, as Avro JSON text. */
  public String schema() {
    return schemaJson;
  }

  @Override
  public String name() {
    return "avro";
  }

  @Override
  public T deserialize(byte[] bytes) throws IOException {
    return readRecord(reader(), bytes, 0, bytes.length);
  }

  /**
   * The one Avro record in {@code bytes[offset, offset + length)}: refuses an empty or truncated
   * record and trailing bytes. Shared with {@link RegistryAvroFormat}.
   */
  static <V> V readRecord(ObjectReader r, byte[] bytes, int offset, int length) throws IOException {
    try (JsonParser parser = r.createParser(bytes, offset, length)) {
      V value = r.readValue(parser);
      if (value == null) {
        throw new IOException("empty record; expected an Avro record");
      }
      if (parser.nextToken() != null) {
        throw new IOException("trailing bytes after the Avro record");
      }
      return value;
    }
  }

  /** Avro's JSON schema text parsed, or an IllegalArgumentException saying why it is not one. */
  static AvroSchema parseSchema(AvroMapper mapper, String schemaJson) {
    try {
      return mapper.schemaFrom(schemaJson);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a valid Avro schema: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] serialize(T value) throws IOException {
    return writer().writeValueAsBytes(value);
  }

  private ObjectReader reader() {
    ObjectReader r = reader;
    if (r == null) {
      AvroMapper mapper = new AvroMapper();
      AvroSchema schema = parseSchema(mapper, schemaJson);
      r = mapper.readerFor(type).with(schema);
      writer = mapper.writerFor(type).with(schema);
      reader = r;
    }
    return r;
  }

  private ObjectWriter writer() {
    reader();
    return writer;
  }

  @Override
  public String toString() {
    return "AvroFormat{" + type.getName() + "}";
  }
}
