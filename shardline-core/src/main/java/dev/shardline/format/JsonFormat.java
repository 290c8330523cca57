package dev.shardline.format;

import static dev.shardline.util.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.Serializable;

/**
 * JSON through Jackson, to and from a {@link JsonNode} tree or a class of your own. One record is
 * one JSON value; trailing content after it, empty input, and a {@code null} where a class is
 * expected are bad data. The format named {@code json}. Immutable, serializable and thread-safe.
 *
 * <p>Defaults of the {@linkplain #defaultMapper() default mapper}: unknown properties are ignored
 * (producers may add fields), trailing tokens fail, {@code java.time} types are supported and
 * written as ISO-8601 text.
 *
 * <pre>{@code
 * Format<JsonNode> tree = JsonFormat.forJsonNode();
 * Format<Order> orders = JsonFormat.forClass(Order.class);
 * Format<Order> custom = JsonFormat.forClass(Order.class, () -> myMapper());
 * }</pre>
 *
 * @param <T> the value type
 */
public final class JsonFormat<T> implements Format<T> {
  private static final long serialVersionUID = 1L;

  /** Makes the mapper a format uses; serializable, so a Flink job can ship it. */
  @FunctionalInterface
  public interface MapperFactory extends Serializable {
    /** A new mapper. */
    ObjectMapper create();
  }

  private final Class<T> type;
  private final MapperFactory mapperFactory;
  private transient volatile ObjectReader reader;
  private transient volatile ObjectWriter writer;

  private JsonFormat(Class<T> type, MapperFactory mapperFactory) {
    this.type = type;
    this.mapperFactory = mapperFactory;
  }

  /** JSON to and from {@link JsonNode} trees. */
  public static JsonFormat<JsonNode> forJsonNode() {
    return new JsonFormat<>(JsonNode.class, JsonFormat::defaultMapper);
  }

  /** JSON to and from instances of {@code type}, with the {@linkplain #defaultMapper() default}. */
  public static <T> JsonFormat<T> forClass(Class<T> type) {
    return forClass(type, JsonFormat::defaultMapper);
  }

  /** JSON to and from instances of {@code type}, with mappers from {@code mapperFactory}. */
  public static <T> JsonFormat<T> forClass(Class<T> type, MapperFactory mapperFactory) {
    return new JsonFormat<>(checkNotNull(type, "type"), checkNotNull(mapperFactory, "mapper"));
  }

  /** A new mapper with the defaults listed in the class comment. */
  public static ObjectMapper defaultMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .build();
  }

  /** The class values are read into. */
  public Class<T> type() {
    return type;
  }

  @Override
  public String name() {
    return "json";
  }

  @Override
  public T deserialize(byte[] bytes) throws IOException {
    if (bytes.length == 0) {
      throw new IOException("empty record; expected a JSON value");
    }
    T value = reader().readValue(bytes);
    if (value == null) {
      throw new IOException("the JSON value is null; expected a " + type.getSimpleName());
    }
    return value;
  }

  @Override
  public byte[] serialize(T value) throws IOException {
    return writer().writeValueAsBytes(value);
  }

  private ObjectReader reader() {
    ObjectReader r = reader;
    if (r == null) {
      r = mapperFactory.create().readerFor(type);
      reader = r;
    }
    return r;
  }

  private ObjectWriter writer() {
    ObjectWriter w = writer;
    if (w == null) {
      w = mapperFactory.create().writer();
      writer = w;
    }
    return w;
  }

  @Override
  public String toString() {
    return "JsonFormat{" + type.getName() + "}";
  }

  @Override
  public Class<?> producedClass() {
    return type;
  }
}
