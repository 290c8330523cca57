package dev.shardline.format;

import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.config.PathType;
import dev.shardline.config.Validator;
import dev.shardline.config.Validators;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The options that choose a record format, shared by every connector: {@code format}, {@code
 * avro.schema} / {@code avro.schemaFile}, {@code framing} and {@code charset}. A connector's option
 * set includes them ({@code OptionSet.of(KinesisSourceOptions.class, FormatOptions.class)}), and
 * its reader or writer calls {@link #createFormat} and {@link #framing}.
 *
 * <pre>{@code
 * # YAML
 * format: avro
 * avro:
 *   schemaFile: /etc/shardline/order.avsc
 * framing: none
 * }</pre>
 *
 * <p>Defaults: {@code format: bytes} (records move unchanged), {@code framing: none}, {@code
 * charset: UTF-8}. Thread-safe (constants only).
 */
public final class FormatOptions {
  private FormatOptions() {}

  public static final ConfigOption<FormatType> FORMAT =
      ConfigOptions.key("format")
          .enumType(FormatType.class)
          .defaultValue(FormatType.BYTES)
          .withDescription(
              "How record bytes are read and written: json (Jackson JsonNode), avro (binary, with"
                  + " avro.schema or avro.schemaFile, or with avro.registry.url), string (text in"
                  + " charset), or bytes"
                  + " (unchanged).");

  public static final ConfigOption<String> AVRO_SCHEMA =
      ConfigOptions.key("avro.schema")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.notBlank())
          .withDescription(
              "The Avro schema as JSON text, for format avro. Give this or avro.schemaFile.");

  public static final ConfigOption<Path> AVRO_SCHEMA_FILE =
      ConfigOptions.key("avro.schemaFile")
          .pathType(PathType.Use.READS_FILE)
          .noDefaultValue()
          .withDescription(
              "Path of a file holding the Avro schema (.avsc), for format avro, read at startup."
                  + " Give this or avro.schema.");

  public static final ConfigOption<String> AVRO_REGISTRY_URL =
      ConfigOptions.key("avro.registry.url")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.httpUrl("http://registry:8080/apis/ccompat/v7"))
          .withDescription(
              "The URL of a schema registry's Confluent-compatible API (Apicurio:"
                  + " .../apis/ccompat/v7), for format avro: records are then in the Confluent"
                  + " wire format (magic byte 0, 4-byte schema id, Avro binary); readers fetch"
                  + " each writer schema by id once per process and resolve it against avro.schema"
                  + " when given; writers register or look up avro.schema.");

  public static final ConfigOption<String> AVRO_REGISTRY_USER =
      ConfigOptions.key("avro.registry.user")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.notBlank())
          .withDescription(
              "The user for basic authentication to the schema registry; give with"
                  + " avro.registry.password.");

  public static final ConfigOption<String> AVRO_REGISTRY_PASSWORD =
      ConfigOptions.key("avro.registry.password")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "The password for basic authentication to the schema registry (never printed);"
                  + " e.g. ${REGISTRY_PASSWORD}.")
          .secret();

  public static final ConfigOption<Path> AVRO_REGISTRY_TRUSTSTORE =
      ConfigOptions.key("avro.registry.truststore")
          .pathType(PathType.Use.READS_FILE)
          .noDefaultValue()
          .withDescription(
              "A truststore file with the certificates to trust for an https schema registry;"
                  + " without it the JVM's default truststore is used.");

  public static final ConfigOption<String> AVRO_REGISTRY_TRUSTSTORE_PASSWORD =
      ConfigOptions.key("avro.registry.truststorePassword")
          .stringType()
          .noDefaultValue()
          .withDescription("The password of avro.registry.truststore (never printed).")
          .secret();

  public static final ConfigOption<String> AVRO_REGISTRY_TRUSTSTORE_TYPE =
      ConfigOptions.key("avro.registry.truststoreType")
          .stringType()
          .defaultValue("PKCS12")
          .withValidator(Validators.notBlank())
          .withDescription("The type of avro.registry.truststore: PKCS12 or JKS.");

  public static final ConfigOption<SubjectNameStrategy> AVRO_REGISTRY_SUBJECT_STRATEGY =
      ConfigOptions.key("avro.registry.subjectStrategy")
          .enumType(SubjectNameStrategy.class)
          .defaultValue(SubjectNameStrategy.TOPIC)
          .withDescription(
              "How writers name the subject of their schema: topic (<topic or stream>-value),"
                  + " record (the record's full name), or topic-record (<topic>-<full name>).");

  public static final ConfigOption<Boolean> AVRO_REGISTRY_AUTO_REGISTER =
      ConfigOptions.key("avro.registry.autoRegister")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Whether writers register avro.schema under their subject on first use (true), or"
                  + " only look it up and fail when it is not registered (false).");

  public static final ConfigOption<Duration> AVRO_REGISTRY_REQUEST_TIMEOUT =
      ConfigOptions.key("avro.registry.requestTimeout")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription("How long one call to the schema registry may take.");

  public static final ConfigOption<Duration> AVRO_REGISTRY_UNREACHABLE_TIMEOUT =
      ConfigOptions.key("avro.registry.unreachableTimeout")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription(
              "How long calls to a schema registry that does not answer (or answers 5xx) are"
                  + " retried, with backoff, before the read or write fails naming its URL.");

  public static final ConfigOption<Framing> FRAMING =
      ConfigOptions.key("framing")
          .enumType(Framing.class)
          .defaultValue(Framing.NONE)
          .withDescription(
              "none: one value per record. newline: one value per line (LF or CRLF; an empty last"
                  + " line is ignored).");

  public static final ConfigOption<String> CHARSET =
      ConfigOptions.key("charset")
          .stringType()
          .defaultValue(StandardCharsets.UTF_8.name())
          .withValidator(
              Validator.of(
                  "must be a charset this JVM supports, such as UTF-8 or ISO-8859-1",
                  FormatOptions::isSupportedCharset))
          .withDescription("The charset of format string.");

  /** The cross-field rules of these options. */
  public static final ConfigValidator RULES = FormatOptions::checkConsistent;

  /** These options and their rules. */
  public static final OptionSet OPTIONS = OptionSet.of(FormatOptions.class);

  /**
   * The format {@code config} chooses; for avro, the schema is read and checked now.
   *
   * @throws ConfigException when the options are invalid or inconsistent, or the Avro schema cannot
   *     be read
   */
  public static Format<?> createFormat(Configuration config) {
    return createFormat(config, null);
  }

  /**
   * The format {@code config} chooses, for a sink writing to {@code topic} (a Kafka topic or a
   * Kinesis stream; null when it picks one per record): with a schema registry, the topic names the
   * subject of the topic strategies.
   *
   * @throws ConfigException when the options are invalid or inconsistent, or the Avro schema cannot
   *     be read
   */
  public static Format<?> createFormat(Configuration config, String topic) {
    checkConsistent(config);
    if (config.get(FORMAT) == FormatType.AVRO && config.contains(AVRO_REGISTRY_URL)) {
      return registryFormat(config, topic);
    }
    switch (config.get(FORMAT)) {
      case JSON:
        return JsonFormat.forJsonNode();
      case STRING:
        return StringFormat.of(Charset.forName(config.get(CHARSET)));
      case BYTES:
        return BytesFormat.INSTANCE;
      case AVRO:
        if (config.contains(AVRO_SCHEMA)) {
          try {
            return AvroFormat.withSchema(config.get(AVRO_SCHEMA));
          } catch (IllegalArgumentException e) {
            throw new ConfigException(
                AVRO_SCHEMA.key(), config.get(AVRO_SCHEMA), false, e.getMessage());
          }
        }
        try {
          return AvroFormat.withSchemaFile(config.get(AVRO_SCHEMA_FILE));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(
              AVRO_SCHEMA_FILE.key(), config.get(AVRO_SCHEMA_FILE), false, e.getMessage());
        }
      default:
        throw new IllegalStateException("Unhandled format " + config.get(FORMAT));
    }
  }

  /** The framing {@code config} chooses. */
  public static Framing framing(Configuration config) {
    return config.get(FRAMING);
  }

  private static void checkConsistent(Configuration config) {
    FormatType format = config.get(FORMAT);
    boolean schema = config.contains(AVRO_SCHEMA);
    boolean schemaFile = config.contains(AVRO_SCHEMA_FILE);
    boolean registry = config.contains(AVRO_REGISTRY_URL);
    if (format == FormatType.AVRO && schema && schemaFile) {
      throw new ConfigException("Both avro.schema and avro.schemaFile are set; keep one");
    }
    if (format == FormatType.AVRO && !registry && !schema && !schemaFile) {
      throw new ConfigException(
          "Format avro needs a schema; set avro.schema (the schema's JSON text) or"
              + " avro.schemaFile (the path of an .avsc file)");
    }
    if (format != FormatType.AVRO) {
      // the registry's own options are checked below, once avro.registry.url is known to be set
      for (ConfigOption<?> option :
          List.of(AVRO_SCHEMA, AVRO_SCHEMA_FILE, AVRO_REGISTRY_URL, AVRO_REGISTRY_USER)) {
        if (config.contains(option)) {
          throw new ConfigException(
              option.key(),
              option.key()
                  + " applies only to format avro, but format is "
                  + format.name().toLowerCase(Locale.ROOT)
                  + "; remove it or set format: avro");
        }
      }
    }
    if (!registry) {
      for (ConfigOption<?> option :
          List.of(
              AVRO_REGISTRY_USER,
              AVRO_REGISTRY_PASSWORD,
              AVRO_REGISTRY_TRUSTSTORE,
              AVRO_REGISTRY_TRUSTSTORE_PASSWORD)) {
        if (config.contains(option)) {
          throw new ConfigException(
              option.key(),
              option.key()
                  + " applies only with a schema registry (format avro): set avro.registry.url");
        }
      }
    }
    if (config.contains(AVRO_REGISTRY_USER) != config.contains(AVRO_REGISTRY_PASSWORD)) {
      throw new ConfigException(
          "Basic authentication to the schema registry needs both avro.registry.user and"
              + " avro.registry.password; set the missing one");
    }
    if (config.contains(CHARSET) && format != FormatType.STRING) {
      throw new ConfigException(
          CHARSET.key(),
          "charset applies only to format string, but format is "
              + format.name().toLowerCase(Locale.ROOT)
              + "; remove it or set format: string");
    }
    if (config.get(FRAMING) == Framing.NEWLINE && format == FormatType.AVRO) {
      throw new ConfigException(
          FRAMING.key(),
          "framing newline cannot be used with format avro: binary Avro records may contain the"
              + " newline byte; use framing: none");
    }
    if (config.get(FRAMING) == Framing.NEWLINE
        && format == FormatType.STRING
        && !newlineSafe(Charset.forName(config.get(CHARSET)))) {
      throw new ConfigException(
          FRAMING.key(),
          "framing newline splits on the byte 0x0A, which charset "
              + config.get(CHARSET)
              + " does not use for a newline; use a charset such as UTF-8 or ISO-8859-1, or"
              + " framing: none");
    }
  }

  private static RegistryAvroFormat registryFormat(Configuration config, String topic) {
    SchemaRegistrySettings settings =
        SchemaRegistrySettings.of(config.get(AVRO_REGISTRY_URL))
            .withTimeouts(
                config.get(AVRO_REGISTRY_REQUEST_TIMEOUT),
                config.get(AVRO_REGISTRY_UNREACHABLE_TIMEOUT));
    if (config.contains(AVRO_REGISTRY_USER)) {
      settings =
          settings.withBasicAuth(
              config.get(AVRO_REGISTRY_USER),
              config.getOptional(AVRO_REGISTRY_PASSWORD).orElse(""));
    }
    if (config.contains(AVRO_REGISTRY_TRUSTSTORE)) {
      settings =
          settings.withTruststore(
              config.get(AVRO_REGISTRY_TRUSTSTORE),
              config.getOptional(AVRO_REGISTRY_TRUSTSTORE_PASSWORD).orElse(null),
              config.get(AVRO_REGISTRY_TRUSTSTORE_TYPE));
    }
    RegistryAvroFormat.Builder builder =
        RegistryAvroFormat.builder(settings)
            .subjectStrategy(config.get(AVRO_REGISTRY_SUBJECT_STRATEGY))
            .autoRegister(config.get(AVRO_REGISTRY_AUTO_REGISTER))
            .topic(topic);
    if (config.contains(AVRO_SCHEMA)) {
      try {
        builder.schema(config.get(AVRO_SCHEMA));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            AVRO_SCHEMA.key(), config.get(AVRO_SCHEMA), false, e.getMessage());
      }
    } else if (config.contains(AVRO_SCHEMA_FILE)) {
      Path file = config.get(AVRO_SCHEMA_FILE);
      try {
        builder.schema(Files.readString(file, StandardCharsets.UTF_8));
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException(AVRO_SCHEMA_FILE.key(), file, false, e.getMessage());
      }
    }
    return builder.build();
  }

  private static boolean newlineSafe(Charset charset) {
    byte[] newline = "\n".getBytes(charset);
    return newline.length == 1 && newline[0] == '\n';
  }

  private static boolean isSupportedCharset(String name) {
    try {
      return Charset.isSupported(name);
    } catch (IllegalCharsetNameException e) {
      return false;
    }
  }
}
