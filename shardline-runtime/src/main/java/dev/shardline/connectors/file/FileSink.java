package dev.shardline.connectors.file;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.api.Committer;
import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.SinkContext;
import dev.shardline.api.TransactionalSink;
import dev.shardline.state.VersionedSerializer;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Writes records as lines to files in a directory, exactly once: a {@link TransactionalSink} whose
 * transactions are part files.
 *
 * <ul>
 *   <li>Each writer appends the records of the current checkpoint to its in-progress part, {@code
 *       .part-<pipeline>-<writer, 5 digits>-<checkpoint, 20 digits><suffix>.inprogress} (hidden, so
 *       tools reading the directory skip it). It is created at the first record of a checkpoint; a
 *       checkpoint without records makes no file.
 *   <li>At a checkpoint {@code prepareCommit} flushes, fsyncs and closes it, and hands it over as a
 *       {@link FilePart}.
 *   <li>Once the checkpoint is durable the committer renames it atomically to {@code
 *       part-<pipeline>-<writer>-<checkpoint><suffix>} and fsyncs the directory. Committing a part
 *       already renamed does nothing, so restoring a checkpoint commits its parts again safely.
 *   <li>A new writer deletes the in-progress parts of its pipeline that a crash left behind (the
 *       runner has committed the restored checkpoint's parts before it creates writers, so any left
 *       are of checkpoints that never completed, and their records are read again). Writer {@code
 *       w} deletes those of old writers {@code v} with {@code v % parallelism == w}, so after a
 *       change of parallelism each is deleted by exactly one writer.
 * </ul>
 *
 * Part names are stable per pipeline name, writer and checkpoint, and unique as long as each
 * pipeline writing to the directory has its own name. Committed files hold whole lines only.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th></tr>
 *   <tr><td>format</td><td>{@link #lines}: {@code String.valueOf(record)}; {@link #jsonLines}: the
 *       record as JSON (Jackson)</td></tr>
 *   <tr><td>{@link Builder#suffix}</td><td>{@code .txt} for lines, {@code .jsonl} for JSON
 *       lines</td></tr>
 *   <tr><td>{@link Builder#bufferBytes}</td><td>{@value #DEFAULT_BUFFER_BYTES}</td></tr>
 * </table>
 *
 * <pre>{@code
 * Pipeline.from(source).to(FileSink.jsonLines(Path.of("out")).build()).name("archive").build().run();
 * }</pre>
 *
 * <p>Immutable and thread-safe; its writers are used by one worker thread each.
 *
 * @param <T> the records it accepts
 */
public final class FileSink<T> implements TransactionalSink<T, FilePart> {
  /** The write buffer unless told otherwise: 64 KiB. */
  public static final int DEFAULT_BUFFER_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final Function<? super T, String> encoder;
  private final String suffix;
  private final int bufferBytes;

  private FileSink(Builder<T> builder) {
    this.directory = builder.directory.toAbsolutePath().normalize();
    this.encoder = builder.encoder;
    this.suffix = builder.suffix;
    this.bufferBytes = builder.bufferBytes;
  }

  /** Lines of {@code String.valueOf(record)}; suffix {@code .txt}. */
  public static Builder<Object> lines(Path directory) {
    return new Builder<>(directory, String::valueOf, ".txt");
  }

  /**
   * One JSON document per line, written by Jackson ({@code ObjectMapper.writeValueAsString}); a
   * {@code String} record becomes a JSON string. Suffix {@code .jsonl}.
   */
  public static Builder<Object> jsonLines(Path directory) {
    return new Builder<>(
        directory,
        record -> {
          try {
            return JSON.writeValueAsString(record);
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write " + record + " as JSON", e);
          }
        },
        ".jsonl");
  }

  /** Lines made by {@code encoder} (which must not return line breaks); suffix {@code .txt}. */
  public static <T> Builder<T> builder(Path directory, Function<? super T, String> encoder) {
    return new Builder<>(directory, encoder, ".txt");
  }

  /** The directory it writes to. */
  public Path directory() {
    return directory;
  }

  @Override
  public CommittingSinkWriter<T, FilePart> createWriter(SinkContext context) throws Exception {
    return new FileSinkWriter<>(this, context);
  }

  @Override
  public Committer<FilePart> createCommitter(SinkContext context) {
    return new FileCommitter(directory);
  }

  @Override
  public VersionedSerializer<FilePart> committableSerializer() {
    return FilePartSerializer.INSTANCE;
  }

  Function<? super T, String> encoder() {
    return encoder;
  }

  String suffix() {
    return suffix;
  }

  int bufferBytes() {
    return bufferBytes;
  }

  /** The committed name of a part. */
  static String finalName(String pipeline, int writer, long checkpointId, String suffix) {
    return String.format("part-%s-%05d-%020d%s", pipeline, writer, checkpointId, suffix);
  }

  /** The in-progress name of a part. */
  static String inProgressName(String pipeline, int writer, long checkpointId, String suffix) {
    return "." + finalName(pipeline, writer, checkpointId, suffix) + ".inprogress";
  }

  /** Matches in-progress names of {@code pipeline}; group 1 is the writer. */
  static Pattern inProgressPattern(String pipeline, String suffix) {
    return Pattern.compile(
        "\\.part-"
            + Pattern.quote(pipeline)
            + "-(\\d{5,})-\\d{20}"
            + Pattern.quote(suffix)
            + "\\.inprogress");
  }

  /**
   * Options of a {@link FileSink}; defaults in its class comment. Not thread-safe.
   *
   * @param <T> the records it accepts
   */
  public static final class Builder<T> {
    private final Path directory;
    private final Function<? super T, String> encoder;
    private String suffix;
    private int bufferBytes = DEFAULT_BUFFER_BYTES;

    private Builder(Path directory, Function<? super T, String> encoder, String suffix) {
      this.directory = checkNotNull(directory, "directory");
      this.encoder = checkNotNull(encoder, "encoder");
      this.suffix = suffix;
    }

    /** The file name suffix, e.g. {@code .jsonl}; may be empty. */
    public Builder<T> suffix(String suffix) {
      checkNotNull(suffix, "suffix");
      checkArgument(
          !suffix.contains("/") && !suffix.contains("\\"),
          "suffix cannot contain path separators, was '" + suffix + "'");
      this.suffix = suffix;
      return this;
    }

    /** How many bytes each writer buffers before writing to its file. */
    public Builder<T> bufferBytes(int bufferBytes) {
      checkArgument(bufferBytes >= 1, "bufferBytes must be 1 or more, was " + bufferBytes);
      this.bufferBytes = bufferBytes;
      return this;
    }

    public FileSink<T> build() {
      return new FileSink<>(this);
    }
  }
}
