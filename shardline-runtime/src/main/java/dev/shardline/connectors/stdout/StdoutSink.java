package dev.shardline.connectors.stdout;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.function.SerializableFunction;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.connectors.LineFormat;
import java.io.PrintStream;

/**
 * Prints a line per record to standard output (or standard error, or another {@link PrintStream}):
 * {@code String.valueOf(record)} unless given a formatter. Each writer buffers up to {@value
 * #BUFFER_CHARS} characters and prints whole lines under the stream's lock, so lines of different
 * workers never interleave. At least once: flushed at every checkpoint.
 *
 * <pre>{@code
 * Pipeline.from(GeneratorSource.sequence().count(10).build()).to(StdoutSink.create()).build().run();
 * }</pre>
 *
 * <p>Options ({@link StdoutSinkOptions}): {@code format}, {@code lines} ({@link #create()}, the
 * default) or {@code json-lines} ({@link #jsonLines()}); {@link #fromConfiguration} builds the sink
 * from a parsed YAML section such as {@code {format: json-lines}}.
 *
 * <p>Immutable and thread-safe; its writers are used by one worker thread each. Serializable, so
 * that it can be shipped to Flink: it holds its formatter (a {@link SerializableFunction}) and
 * which standard stream it prints to, and each writer takes {@code System.out} or {@code
 * System.err} of the JVM it runs in. A sink given its own stream with {@link #to(PrintStream)} is
 * for tests that run the embedded runner in their JVM: a {@code PrintStream} cannot be serialized,
 * so such a sink cannot be shipped (the Flink adapter refuses it, naming {@code
 * StdoutSink.stream}); capture {@code System.out} with {@code System.setOut} there instead.
 *
 * @param <T> the records it accepts
 */
public final class StdoutSink<T> implements Sink<T> {
  /** How much a writer buffers before printing. */
  public static final int BUFFER_CHARS = 8192;

  private static final long serialVersionUID = 1L;

  private final SerializableFunction<? super T, String> formatter;
  private final boolean standardError;
  // null for the standard stream; not Serializable, so set only by tests in one JVM
  private final PrintStream stream;

  private StdoutSink(
      SerializableFunction<? super T, String> formatter,
      boolean standardError,
      PrintStream stream) {
    this.formatter = checkNotNull(formatter, "formatter");
    this.standardError = standardError;
    this.stream = stream;
  }

  /** Prints {@code String.valueOf(record)} to {@code System.out} (option {@code format: lines}). */
  public static StdoutSink<Object> create() {
    return new StdoutSink<>(LineFormat.LINES.encoder(), false, null);
  }

  /**
   * Prints each record as one JSON document, written by Jackson, to {@code System.out} (option
   * {@code format: json-lines}); a {@code String} record becomes a JSON string.
   */
  public static StdoutSink<Object> jsonLines() {
    return new StdoutSink<>(LineFormat.JSON_LINES.encoder(), false, null);
  }

  /**
   * The sink that {@code config} describes, e.g. a parsed YAML section {@code {format:
   * json-lines}}, printing to {@code System.out}. {@code config} holds only {@link
   * StdoutSinkOptions} keys.
   *
   * @throws ConfigException naming the key, the value and the fix, for an unknown key (with the
   *     closest declared key) or a bad value
   */
  public static StdoutSink<Object> fromConfiguration(Configuration config) {
    Configuration valid = StdoutSinkOptions.OPTIONS.validate(checkNotNull(config, "config"));
    return new StdoutSink<>(valid.get(StdoutSinkOptions.FORMAT).encoder(), false, null);
  }

  /** Prints {@code formatter.apply(record)} to {@code System.out}. Java only. */
  public static <T> StdoutSink<T> create(SerializableFunction<? super T, String> formatter) {
    return new StdoutSink<>(formatter, false, null);
  }

  /** The same sink printing to {@code System.err} instead. Serializable as ever. */
  public StdoutSink<T> toStandardError() {
    return new StdoutSink<>(formatter, true, null);
  }

  /**
   * The same sink printing to {@code stream} instead; for tests in one JVM. The result cannot be
   * serialized (so not shipped to Flink), as a {@code PrintStream} cannot.
   */
  public StdoutSink<T> to(PrintStream stream) {
    return new StdoutSink<>(formatter, false, checkNotNull(stream, "stream"));
  }

  @Override
  public SinkWriter<T> createWriter(SinkContext context) {
    // System.out/err is read when the writer starts, so System.setOut before that is honoured
    PrintStream target = stream != null ? stream : standardError ? System.err : System.out;
    return new SinkWriter<>() {
      private final StringBuilder buffer = new StringBuilder(BUFFER_CHARS + 256);

      @Override
      public void write(T record) {
        buffer.append(formatter.apply(record)).append('\n');
        if (buffer.length() >= BUFFER_CHARS) {
          flush();
        }
      }

      @Override
      public void flush() {
        if (buffer.length() > 0) {
          synchronized (target) {
            target.print(buffer);
            target.flush();
          }
          buffer.setLength(0);
        }
      }

      @Override
      public void close() {
        // not flushed: what was not checkpointed is written again after a restore
      }
    };
  }

  /** Where it prints: {@code StdoutSink{stdout}}, {@code {stderr}} or {@code {a PrintStream}}. */
  @Override
  public String toString() {
    return "StdoutSink{"
        + (stream != null ? "a PrintStream" : standardError ? "stderr" : "stdout")
        + "}";
  }
}
