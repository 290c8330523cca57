package dev.shardline.connectors.stdout;

import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.OptionSet;
import dev.shardline.connectors.LineFormat;

/**
 * The options of a {@link StdoutSink}, declared once: its factory methods stand for them, {@link
 * StdoutSink#fromConfiguration} reads them from a parsed YAML section, and the reference table in
 * the module README is generated from them. A custom formatter and another {@code PrintStream} are
 * Java only. Thread-safe (constants only).
 *
 * <pre>{@code
 * # YAML
 * format: json-lines
 * }</pre>
 *
 * <p>Defaults: {@code format: lines}.
 */
public final class StdoutSinkOptions {
  private StdoutSinkOptions() {}

  public static final ConfigOption<LineFormat> FORMAT =
      ConfigOptions.key("format")
          .enumType(LineFormat.class)
          .defaultValue(LineFormat.LINES)
          .withDescription(
              "How a record becomes a line: lines (String.valueOf(record)) or json-lines (the"
                  + " record as one JSON document, written by Jackson; a string becomes a JSON"
                  + " string).");

  /** These options. Declared last: it reads the fields above. */
  public static final OptionSet OPTIONS = OptionSet.of(StdoutSinkOptions.class);
}
