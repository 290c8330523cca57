package dev.shardline.connectors.file;

import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.Configuration;
import dev.shardline.config.DataSize;
import dev.shardline.config.OptionSet;
import dev.shardline.config.PathType;
import dev.shardline.config.Validator;
import dev.shardline.config.Validators;
import dev.shardline.connectors.LineFormat;
import java.nio.file.Path;

/**
 * The options of a {@link FileSink}, declared once: its builder sets them, {@link
 * FileSink#fromConfiguration} reads them from a parsed YAML section, and the reference table in the
 * module README is generated from them. Thread-safe (constants only).
 *
 * <pre>{@code
 * # YAML
 * path: /data/orders
 * format: json-lines
 * bufferSize: 256KiB
 * }</pre>
 *
 * <p>Defaults: {@code path} must be given; {@code format: lines}; {@code suffix} follows the format
 * ({@code .txt} for lines, {@code .jsonl} for json-lines); {@code bufferSize: 64KiB}.
 */
public final class FileSinkOptions {
  private FileSinkOptions() {}

  public static final ConfigOption<Path> PATH =
      ConfigOptions.key("path")
          .pathType(PathType.Use.WRITES_DIRECTORY)
          .noDefaultValue()
          .withDescription(
              "The directory the part files are written to (created when missing). Required.");

  public static final ConfigOption<LineFormat> FORMAT =
      ConfigOptions.key("format")
          .enumType(LineFormat.class)
          .defaultValue(LineFormat.LINES)
          .withDescription(
              "How a record becomes a line: lines (String.valueOf(record)) or json-lines (the"
                  + " record as one JSON document, written by Jackson; a string becomes a JSON"
                  + " string).");

  public static final ConfigOption<String> SUFFIX =
      ConfigOptions.key("suffix")
          .stringType()
          .noDefaultValue()
          .withValidator(
              Validator.of(
                  "must not contain a path separator (/ or backslash)",
                  s -> !s.contains("/") && !s.contains("\\")))
          .withDescription(
              "The end of every part file's name; may be empty. When not set: .txt for format"
                  + " lines, .jsonl for json-lines.");

  public static final ConfigOption<DataSize> BUFFER_SIZE =
      ConfigOptions.key("bufferSize")
          .dataSizeType()
          .defaultValue(DataSize.ofBytes(FileSink.DEFAULT_BUFFER_BYTES))
          .withValidator(Validators.between(DataSize.ofBytes(1), DataSize.ofMebibytes(1024)))
          .withDescription(
              "How much each writer buffers before writing to its file (counted in characters,"
                  + " which are bytes for ASCII).");

  /**
   * The rules of these options as a whole: {@code path} is required (checked here rather than when
   * the sink starts, so that a pipeline file missing it fails at once).
   */
  public static final ConfigValidator RULES = config -> config.get(PATH);

  /** These options and their rules. Declared last: it reads the fields above. */
  public static final OptionSet OPTIONS = OptionSet.of(FileSinkOptions.class);

  /** The suffix {@code config} chooses: {@code suffix}, or the one that goes with the format. */
  public static String suffix(Configuration config) {
    return config
        .getOptional(SUFFIX)
        .orElseGet(() -> config.get(FORMAT) == LineFormat.JSON_LINES ? ".jsonl" : ".txt");
  }
}
