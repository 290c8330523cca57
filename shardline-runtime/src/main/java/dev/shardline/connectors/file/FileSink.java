package dev.shardline.connectors.file;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.Committer;
import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.SinkContext;
import dev.shardline.api.TransactionalSink;
import dev.shardline.api.function.SerializableFunction;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.config.DataSize;
import dev.shardline.connectors.LineFormat;
import dev.shardline.connectors.file.internal.DirectorySync;
import dev.shardline.state.VersionedSerializer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Writes records as lines to files in a directory, exactly once: a {@link TransactionalSink} whose
 * transactions are part files.
 *
 * <ul>
 *   <li>Each writer appends the records of the current checkpoint to its in-progress part, {@code
 *       .part-<pipeline>@<sink id>-<writer, 5 digits>-<checkpoint, 20 digits><suffix>.inprogress}
 *       (hidden, so tools reading the directory skip it). The sink id ({@link
 *       SinkContext#sinkId()}: {@code sink-0}, {@code sink-1}, ..., {@code dead-letter}) keeps two
 *       file sinks of one pipeline apart when they write the same directory; on a runtime without
 *       sink ids it is left out. It is created at the first record of a checkpoint; a checkpoint
 *       without records makes no file.
 *   <li>At a checkpoint {@code prepareCommit} flushes, fsyncs and closes it, fsyncs the directory
 *       (so the new file's name is durable too), and hands it over as a {@link FilePart}.
 *   <li>Once the checkpoint is durable the committer renames it atomically to {@code
 *       part-<pipeline>@<sink id>-<writer>-<checkpoint><suffix>} and fsyncs the directory.
 *       Committing a part already renamed does nothing, so restoring a checkpoint commits its parts
 *       again safely.
 *   <li>A new writer rolls back the committed parts of checkpoints after the one it was restored
 *       from and below {@link SinkContext#firstCheckpointId()}: checkpoints the store held but lost
 *       (a corrupt file it set aside) after their parts were committed. Their records are read and
 *       written again, so keeping the parts would duplicate them. Each is renamed to the hidden
 *       {@code .part-...<suffix>.rolled-back-to-<restored checkpoint>} with a WARN naming it, never
 *       deleted nor overwritten. Parts of ids the store never knew (a checkpoint directory deleted
 *       while the output was kept) are left alone, so a fresh start never hides output its source
 *       may not read again; committing onto one fails, naming that cause.
 *   <li>A new writer deletes the in-progress parts of its pipeline that a crash left behind (the
 *       runner has committed the restored checkpoint's parts before it creates writers, so any left
 *       are of checkpoints that never completed, and their records are read again). Writer {@code
 *       w} deletes those of its sink's old writers {@code v} with {@code v % parallelism == w}, so
 *       after a change of parallelism each is deleted by exactly one writer; parts named without a
 *       sink id (written before sink ids were part of names) count as its sink's too.
 * </ul>
 *
 * Part names are stable per pipeline name, sink, writer and checkpoint, and unique as long as each
 * pipeline writing to the directory has its own name. Committed files hold whole lines only.
 *
 * <p>Options ({@link FileSinkOptions}, which lists the defaults): the directory ({@code path}), the
 * format ({@link #lines}: {@code String.valueOf(record)}; {@link #jsonLines}: the record as JSON,
 * by Jackson), {@link Builder#suffix} ({@code .txt} for lines, {@code .jsonl} for JSON lines) and
 * {@link Builder#bufferSize} (default 64 KiB). The builder sets these options' values, so a bad one
 * fails with a {@link ConfigException} naming the key; {@link #fromConfiguration} builds the same
 * sink from a parsed YAML section.
 *
 * <pre>{@code
 * Pipeline.from(source).to(FileSink.jsonLines(Path.of("out")).build()).name("archive").build().run();
 * // the same sink from YAML: {path: out, format: json-lines}
 * FileSink<Object> fromYaml = FileSink.fromConfiguration(Configuration.fromMap(yaml));
 * }</pre>
 *
 * <p>Immutable and thread-safe; its writers are used by one worker thread each. Serializable, so
 * that it can be shipped to Flink: it holds the directory (as text), its option values and its
 * encoder, a {@link SerializableFunction} (a lambda passed to {@link #builder} is serializable as
 * long as what it captures is); files are opened by its writers and committer. The directory is a
 * path on the machine that runs each writer and the committer.
 *
 * @param <T> the records it accepts
 */
public final class FileSink<T> implements TransactionalSink<T, FilePart> {
  /** The write buffer unless told otherwise: 64 KiB. */
  public static final int DEFAULT_BUFFER_BYTES = 64 * 1024;

  private static final long serialVersionUID = 1L;

  // Path is not Serializable: the absolute, normalized path as text
  private final String directory;
  private final SerializableFunction<? super T, String> encoder;
  private final String suffix;
  private final int bufferBytes;
  private final DirectorySync directorySync;

  private FileSink(SerializableFunction<? super T, String> encoder, Configuration config) {
    this(
        config.get(FileSinkOptions.PATH).toAbsolutePath().normalize(),
        encoder,
        FileSinkOptions.suffix(config),
        (int) config.get(FileSinkOptions.BUFFER_SIZE).bytes(),
        DirectorySync.FSYNC);
  }

  private FileSink(
      Path directory,
      SerializableFunction<? super T, String> encoder,
      String suffix,
      int bufferBytes,
      DirectorySync directorySync) {
    this.directory = directory.toString();
    this.encoder = encoder;
    this.suffix = suffix;
    this.bufferBytes = bufferBytes;
    this.directorySync = directorySync;
  }

  /** The same sink, syncing its directory through {@code directorySync}; for tests. */
  FileSink<T> withDirectorySync(DirectorySync directorySync) {
    return new FileSink<>(directory(), encoder, suffix, bufferBytes, directorySync);
  }

  /**
   * Lines of {@code String.valueOf(record)} (option {@code format: lines}); suffix {@code .txt}.
   */
  public static Builder<Object> lines(Path directory) {
    return new Builder<>(directory, LineFormat.LINES);
  }

  /**
   * One JSON document per line, written by Jackson ({@code ObjectMapper.writeValueAsString}); a
   * {@code String} record becomes a JSON string (option {@code format: json-lines}). Suffix {@code
   * .jsonl}.
   */
  public static Builder<Object> jsonLines(Path directory) {
    return new Builder<>(directory, LineFormat.JSON_LINES);
  }

  /**
   * Lines made by {@code encoder} (which must not return line breaks); suffix {@code .txt}. Java
   * only: the {@code format} option names the built-in encoders.
   */
  public static <T> Builder<T> builder(
      Path directory, SerializableFunction<? super T, String> encoder) {
    return new Builder<>(directory, checkNotNull(encoder, "encoder"), Configuration.builder());
  }

  /**
   * The sink that {@code config} describes, e.g. a parsed YAML section {@code {path: out, format:
   * json-lines}}. {@code config} holds only {@link FileSinkOptions} keys.
   *
   * @throws ConfigException naming the key, the value and the fix, for an unknown key (with the
   *     closest declared key), a bad value, or a missing {@code path}
   */
  public static FileSink<Object> fromConfiguration(Configuration config) {
    Configuration valid = FileSinkOptions.OPTIONS.validate(checkNotNull(config, "config"));
    return new FileSink<>(valid.get(FileSinkOptions.FORMAT).encoder(), valid);
  }

  /** The directory it writes to, absolute. */
  public Path directory() {
    return Path.of(directory);
  }

  @Override
  public CommittingSinkWriter<T, FilePart> createWriter(SinkContext context) throws Exception {
    return new FileSinkWriter<>(this, context);
  }

  @Override
  public Committer<FilePart> createCommitter(SinkContext context) {
    return new FileCommitter(directory(), directorySync);
  }

  @Override
  public VersionedSerializer<FilePart> committableSerializer() {
    return FilePartSerializer.INSTANCE;
  }

  /** The directory, suffix and buffer size. */
  @Override
  public String toString() {
    return "FileSink{" + directory + ", suffix=" + suffix + ", bufferBytes=" + bufferBytes + "}";
  }

  SerializableFunction<? super T, String> encoder() {
    return encoder;
  }

  String suffix() {
    return suffix;
  }

  int bufferBytes() {
    return bufferBytes;
  }

  DirectorySync directorySync() {
    return directorySync;
  }

  /**
   * What the names of a writer's parts start with after {@code part-}: the pipeline's name, then
   * {@code @} and the sink's id when the runtime gives one, so two file sinks of one pipeline
   * writing one directory never share a name. A pipeline's name never holds {@code @}, so no
   * pipeline's names look like another's (with {@code -} instead, sink {@code sink-0} of pipeline
   * {@code a} would name its parts as pipeline {@code a-sink-0} did before sink ids). Without a
   * sink id (other runtimes, and parts written before the id was part of the name) it is the
   * pipeline's name alone.
   */
  static String namePrefix(String pipeline, Optional<String> sinkId) {
    return sinkId.map(id -> pipeline + "@" + id).orElse(pipeline);
  }

  /** The committed name of a part; {@code prefix} from {@link #namePrefix}. */
  static String finalName(String prefix, int writer, long checkpointId, String suffix) {
    return String.format("part-%s-%05d-%020d%s", prefix, writer, checkpointId, suffix);
  }

  /** The in-progress name of a part; {@code prefix} from {@link #namePrefix}. */
  static String inProgressName(String prefix, int writer, long checkpointId, String suffix) {
    return "." + finalName(prefix, writer, checkpointId, suffix) + ".inprogress";
  }

  /**
   * Matches the in-progress names of {@code pipeline}'s sink {@code sinkId}, and those without a
   * sink id that a pipeline of this name wrote before sink ids were part of names (left by a crash
   * and never committed: whichever file sink of the pipeline writes the directory deletes them);
   * group 1 is the writer.
   */
  static Pattern inProgressPattern(String pipeline, Optional<String> sinkId, String suffix) {
    String sink = sinkId.map(id -> "(?:@" + Pattern.quote(id) + ")?").orElse("");
    return Pattern.compile(
        "\\.part-"
            + Pattern.quote(pipeline)
            + sink
            + "-(\\d{5,})-\\d{20}"
            + Pattern.quote(suffix)
            + "\\.inprogress");
  }

  /**
   * Matches the committed names of {@code pipeline}'s sink {@code sinkId} (and those without a sink
   * id, as {@link #inProgressPattern}); group 1 is the writer, group 2 the checkpoint.
   */
  static Pattern committedPattern(String pipeline, Optional<String> sinkId, String suffix) {
    String sink = sinkId.map(id -> "(?:@" + Pattern.quote(id) + ")?").orElse("");
    return Pattern.compile(
        "part-" + Pattern.quote(pipeline) + sink + "-(\\d{5,})-(\\d{20})" + Pattern.quote(suffix));
  }

  /**
   * The name a committed part is renamed to when it is rolled back: hidden, and marked with the
   * checkpoint restored instead. Part ids are never reused, so no later rollback takes the name.
   */
  static String rolledBackName(String finalName, long restoredCheckpointId) {
    return "." + finalName + ".rolled-back-to-" + restoredCheckpointId;
  }

  /**
   * Options of a {@link FileSink}: each method sets the value of one {@link FileSinkOptions}
   * option, checked at once; defaults there. Not thread-safe.
   *
   * @param <T> the records it accepts
   */
  public static final class Builder<T> {
    private final SerializableFunction<? super T, String> encoder;
    private final Configuration.Builder options;

    private Builder(Path directory, LineFormat format) {
      this(
          directory, format.encoder(), Configuration.builder().set(FileSinkOptions.FORMAT, format));
    }

    private Builder(
        Path directory,
        SerializableFunction<? super T, String> encoder,
        Configuration.Builder options) {
      this.encoder = encoder;
      this.options = options.set(FileSinkOptions.PATH, checkNotNull(directory, "directory"));
    }

    /**
     * The file name suffix, e.g. {@code .jsonl}; may be empty. Option {@code suffix}.
     *
     * @throws ConfigException when {@code suffix} contains a path separator
     */
    public Builder<T> suffix(String suffix) {
      options.set(FileSinkOptions.SUFFIX, checkNotNull(suffix, "suffix"));
      return this;
    }

    /**
     * How much each writer buffers before writing to its file; option {@code bufferSize}. Default
     * 64 KiB.
     *
     * @throws ConfigException when {@code size} is below 1 byte or above 1 GiB
     */
    public Builder<T> bufferSize(DataSize size) {
      options.set(FileSinkOptions.BUFFER_SIZE, checkNotNull(size, "size"));
      return this;
    }

    /**
     * How many bytes each writer buffers before writing to its file; the same as {@link
     * #bufferSize}.
     *
     * @throws ConfigException when {@code bufferBytes} is below 1 or above 1 GiB
     */
    public Builder<T> bufferBytes(int bufferBytes) {
      // parsed, not set, so that a negative count is a ConfigException too
      options.set(FileSinkOptions.BUFFER_SIZE, FileSinkOptions.BUFFER_SIZE.parse(bufferBytes));
      return this;
    }

    public FileSink<T> build() {
      return new FileSink<>(encoder, FileSinkOptions.OPTIONS.validate(options.build()));
    }
  }
}
