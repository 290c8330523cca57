package dev.shardline.connectors.stdout;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import java.io.PrintStream;
import java.util.function.Function;

/**
 * Prints a line per record to standard output (or another {@link PrintStream}): {@code
 * String.valueOf(record)} unless given a formatter. Each writer buffers up to {@value
 * #BUFFER_CHARS} characters and prints whole lines under the stream's lock, so lines of different
 * workers never interleave. At least once: flushed at every checkpoint.
 *
 * <pre>{@code
 * Pipeline.from(GeneratorSource.sequence().count(10).build()).to(StdoutSink.create()).build().run();
 * }</pre>
 *
 * <p>Immutable and thread-safe; its writers are used by one worker thread each.
 *
 * @param <T> the records it accepts
 */
public final class StdoutSink<T> implements Sink<T> {
  /** How much a writer buffers before printing. */
  public static final int BUFFER_CHARS = 8192;

  private final Function<? super T, String> formatter;
  private final PrintStream stream;

  private StdoutSink(Function<? super T, String> formatter, PrintStream stream) {
    this.formatter = checkNotNull(formatter, "formatter");
    this.stream = stream;
  }

  /** Prints {@code String.valueOf(record)} to {@code System.out}. */
  public static StdoutSink<Object> create() {
    return new StdoutSink<>(String::valueOf, null);
  }

  /** Prints {@code formatter.apply(record)} to {@code System.out}. */
  public static <T> StdoutSink<T> create(Function<? super T, String> formatter) {
    return new StdoutSink<>(formatter, null);
  }

  /** The same sink printing to {@code stream} instead. */
  public StdoutSink<T> to(PrintStream stream) {
    return new StdoutSink<>(formatter, checkNotNull(stream, "stream"));
  }

  @Override
  public SinkWriter<T> createWriter(SinkContext context) {
    // System.out is read when the writer starts, so System.setOut before that is honoured
    PrintStream target = stream != null ? stream : System.out;
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
}
