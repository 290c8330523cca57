package dev.shardline.format;

import static dev.shardline.util.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.avro.AvroMapper;
import com.fasterxml.jackson.dataformat.avro.AvroSchema;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.format.internal.ConfluentRegistryClient;
import dev.shardline.format.internal.ConfluentRegistryClient.RegistryAnswer;
import dev.shardline.time.Time;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Avro in the Confluent wire format, with its schemas in a schema registry: each record is the
 * magic byte 0, the 4-byte big-endian id of its writer schema in the registry, then the Avro binary
 * record. Values are {@link JsonNode} trees, as with {@link AvroFormat}. The format named {@code
 * avro} when {@code avro.registry.url} is set. Immutable, serializable (configuration only; the
 * HTTP client is made on first use) and thread-safe.
 *
 * <p>Reading: the writer schema is fetched by its id once per process and registry (later records
 * with that id cost no call), then resolved against the reader schema when one is given (Avro
 * schema resolution: a record written with v1 reads as v2, new fields taking their defaults). Bytes
 * that are not in the wire format (too short, magic byte not 0), an id the registry does not know,
 * and a writer schema that cannot be resolved to the reader schema are bad data: the {@link
 * RecordDecoder}'s policy applies (fail, drop, dead letter with coordinates). A registry that does
 * not answer is not bad data: after retrying for {@link
 * SchemaRegistrySettings#unreachableTimeout()} the read (or write) fails with a {@link
 * dev.shardline.retry.ServerUnreachableException} naming the URL, which no reader's bad-data policy
 * and no sink's invalid-record policy takes for the record's fault.
 *
 * <p>Writing needs the writer schema ({@code avro.schema} or {@code avro.schemaFile}). Its subject
 * comes from the {@link SubjectNameStrategy}; with auto-register on (the default, as in Confluent's
 * serializers) the schema is registered there on first use, else it is looked up, and a schema not
 * registered is an {@link UnrecoverableException}. A schema that breaks the subject's compatibility
 * rule is an {@link UnrecoverableException} naming the subject and the rule.
 *
 * <pre>{@code
 * RegistryAvroFormat orders = RegistryAvroFormat.builder(SchemaRegistrySettings.of(url))
 *     .schema(orderV2Json)         // reader schema when reading, writer schema when writing
 *     .topic("orders")             // for the subject orders-value
 *     .build();
 * }</pre>
 *
 * <p>Defaults: no schema (read with each record's writer schema; cannot write), subject strategy
 * {@link SubjectNameStrategy#TOPIC}, auto-register on, no topic.
 */
public final class RegistryAvroFormat implements Format<JsonNode> {
  private static final long serialVersionUID = 1L;
  private static final byte MAGIC = 0;
  private static final int HEADER = 5;

  /** Writer schemas by registry URL and id: each id is fetched once per process. */
  private static final Map<String, Map<Integer, String>> SCHEMAS = new ConcurrentHashMap<>();

  private final SchemaRegistrySettings settings;
  private final String schemaJson;
  private final SubjectNameStrategy strategy;
  private final boolean autoRegister;
  private final String topic;

  private transient volatile ConfluentRegistryClient client;
  private transient volatile Map<Integer, ObjectReader> readers;
  private transient volatile Writer writer;

  private RegistryAvroFormat(Builder builder) {
    this.settings = builder.settings;
    this.schemaJson = builder.schemaJson;
    this.strategy = builder.strategy;
    this.autoRegister = builder.autoRegister;
    this.topic = builder.topic;
  }

  /** A builder for a format using the registry {@code settings}, with the defaults above. */
  public static Builder builder(SchemaRegistrySettings settings) {
    return new Builder(checkNotNull(settings, "settings"));
  }

  @Override
  public String name() {
    return "avro";
  }

  @Override
  public Class<?> producedClass() {
    return JsonNode.class;
  }

  /** The registry this format uses. */
  public SchemaRegistrySettings settings() {
    return settings;
  }

  /** The reader/writer schema, if one was given. */
  public Optional<String> schema() {
    return Optional.ofNullable(schemaJson);
  }

  @Override
  public JsonNode deserialize(byte[] bytes) throws IOException {
    if (bytes.length < HEADER) {
      throw new IOException(
          "not in the Confluent wire format: "
              + bytes.length
              + " bytes, fewer than the 5-byte header (magic byte 0 and a 4-byte schema id)");
    }
    if (bytes[0] != MAGIC) {
      throw new IOException(
          "not in the Confluent wire format: the first byte is "
              + (bytes[0] & 0xff)
              + ", not the magic byte 0");
    }
    int id =
        ((bytes[1] & 0xff) << 24)
            | ((bytes[2] & 0xff) << 16)
            | ((bytes[3] & 0xff) << 8)
            | (bytes[4] & 0xff);
    ObjectReader reader = readers().get(id);
    if (reader == null) {
      reader = readerFor(id);
      readers().put(id, reader);
    }
    return AvroFormat.readRecord(reader, bytes, HEADER, bytes.length - HEADER);
  }

  @Override
  public byte[] serialize(JsonNode value) throws IOException {
    Writer w = writer();
    byte[] body = w.writer.writeValueAsBytes(value);
    byte[] out = new byte[HEADER + body.length];
    out[0] = MAGIC;
    out[1] = (byte) (w.id >>> 24);
    out[2] = (byte) (w.id >>> 16);
    out[3] = (byte) (w.id >>> 8);
    out[4] = (byte) w.id;
    System.arraycopy(body, 0, out, HEADER, body.length);
    return out;
  }

  private ObjectReader readerFor(int id) throws IOException {
    Map<Integer, String> known =
        SCHEMAS.computeIfAbsent(settings.url(), url -> new ConcurrentHashMap<>());
    String text = known.get(id);
    if (text == null) {
      try {
        text = client().schemaById(id);
      } catch (RegistryAnswer e) {
        if (e.status() == 404) {
          throw new IOException(
              "schema id " + id + " is not in the schema registry at " + settings.url(), e);
        }
        throw new ShardlineException(
            "The schema registry at "
                + settings.url()
                + " refused to give schema id "
                + id
                + " (HTTP "
                + e.status()
                + "): "
                + e.getMessage(),
            e);
      }
      known.put(id, text);
    }
    AvroMapper mapper = new AvroMapper();
    AvroSchema writerSchema;
    try {
      writerSchema = AvroFormat.parseSchema(mapper, text);
    } catch (IllegalArgumentException e) {
      throw new IOException("schema id " + id + " in the registry is " + e.getMessage(), e);
    }
    AvroSchema schema = writerSchema;
    if (schemaJson != null) {
      try {
        schema = writerSchema.withReaderSchema(AvroFormat.parseSchema(mapper, schemaJson));
      } catch (IOException | RuntimeException e) {
        throw new IOException(
            "schema id "
                + id
                + " cannot be read with the reader schema (avro.schema): "
                + e.getMessage(),
            e);
      }
    }
    return mapper.readerFor(JsonNode.class).with(schema);
  }

  private Writer writer() {
    Writer w = writer;
    if (w == null) {
      synchronized (this) {
        w = writer;
        if (w == null) {
          w = newWriter();
          writer = w;
        }
      }
    }
    return w;
  }

  private Writer newWriter() {
    if (schemaJson == null) {
      throw new UnrecoverableException(
          "Format avro with a schema registry (avro.registry.url) needs the writer schema to"
              + " write: set avro.schema or avro.schemaFile");
    }
    AvroMapper mapper = new AvroMapper();
    AvroSchema schema = AvroFormat.parseSchema(mapper, schemaJson);
    String subject;
    try {
      subject = strategy.subject(topic, schema.getAvroSchema().getFullName());
    } catch (IllegalArgumentException e) {
      throw new UnrecoverableException(
          "Cannot name the schema registry subject: " + e.getMessage());
    }
    int id;
    try {
      id =
          autoRegister
              ? client().register(subject, schemaJson)
              : client().lookup(subject, schemaJson);
    } catch (RegistryAnswer e) {
      if (autoRegister && e.status() == 409) {
        throw new UnrecoverableException(
            "The schema does not fit the compatibility rule "
                + client().compatibility(subject)
                + " of subject "
                + subject
                + " in the schema registry at "
                + settings.url()
                + ": "
                + e.getMessage()
                + "; make the schema compatible (e.g. give new fields defaults) or change the"
                + " subject's rule",
            e);
      }
      if (!autoRegister && e.status() == 404) {
        throw new UnrecoverableException(
            "The schema (avro.schema) is not registered under subject "
                + subject
                + " in the schema registry at "
                + settings.url()
                + ": register it, or set avro.registry.autoRegister: true",
            e);
      }
      throw new UnrecoverableException(
          "The schema registry at "
              + settings.url()
              + " refused the schema for subject "
              + subject
              + " (HTTP "
              + e.status()
              + "): "
              + e.getMessage(),
          e);
    }
    return new Writer(mapper.writerFor(JsonNode.class).with(schema), id);
  }

  private Map<Integer, ObjectReader> readers() {
    Map<Integer, ObjectReader> r = readers;
    if (r == null) {
      synchronized (this) {
        r = readers;
        if (r == null) {
          r = new ConcurrentHashMap<>();
          readers = r;
        }
      }
    }
    return r;
  }

  private ConfluentRegistryClient client() {
    ConfluentRegistryClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          c = new ConfluentRegistryClient(settings, Time.SYSTEM);
          client = c;
        }
      }
    }
    return c;
  }

  @Override
  public String toString() {
    return "RegistryAvroFormat{" + settings + ", strategy=" + strategy + "}";
  }

  private static final class Writer {
    final ObjectWriter writer;
    final int id;

    Writer(ObjectWriter writer, int id) {
      this.writer = writer;
      this.id = id;
    }
  }

  /** Options of a {@link RegistryAvroFormat}. Not thread-safe. */
  public static final class Builder {
    private final SchemaRegistrySettings settings;
    private String schemaJson;
    private SubjectNameStrategy strategy = SubjectNameStrategy.TOPIC;
    private boolean autoRegister = true;
    private String topic;

    private Builder(SchemaRegistrySettings settings) {
      this.settings = settings;
    }

    /**
     * The reader schema when reading, the writer schema when writing (Avro JSON text).
     *
     * @throws IllegalArgumentException when it is not a valid Avro schema
     */
    public Builder schema(String schemaJson) {
      AvroFormat.parseSchema(new AvroMapper(), checkNotNull(schemaJson, "schemaJson"));
      this.schemaJson = schemaJson;
      return this;
    }

    /** How the subject is named (default {@link SubjectNameStrategy#TOPIC}). */
    public Builder subjectStrategy(SubjectNameStrategy strategy) {
      this.strategy = checkNotNull(strategy, "strategy");
      return this;
    }

    /** Register the writer schema on first use (default true), else only look it up. */
    public Builder autoRegister(boolean autoRegister) {
      this.autoRegister = autoRegister;
      return this;
    }

    /** The topic or stream written to, for the topic strategies (default none). */
    public Builder topic(String topic) {
      this.topic = topic;
      return this;
    }

    public RegistryAvroFormat build() {
      return new RegistryAvroFormat(this);
    }
  }
}
