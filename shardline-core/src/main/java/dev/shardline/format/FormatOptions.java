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
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
                  + " avro.schema or avro.schemaFile), string (text in charset), or bytes"
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
    checkConsistent(config);
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
    if (format == FormatType.AVRO && schema == schemaFile) {
      throw new ConfigException(
          schema
              ? "Both avro.schema and avro.schemaFile are set; keep one"
              : "Format avro needs a schema; set avro.schema (the schema's JSON text) or"
                  + " avro.schemaFile (the path of an .avsc file)");
    }
    if (format != FormatType.AVRO && (schema || schemaFile)) {
      String key = schema ? AVRO_SCHEMA.key() : AVRO_SCHEMA_FILE.key();
      throw new ConfigException(
          key,
          key
              + " applies only to format avro, but format is "
              + format.name().toLowerCase(Locale.ROOT)
              + "; remove it or set format: avro");
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
