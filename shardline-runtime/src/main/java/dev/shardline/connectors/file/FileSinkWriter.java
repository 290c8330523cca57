package dev.shardline.connectors.file;

import static dev.shardline.util.Preconditions.checkArgument;

import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.SinkContext;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.config.PathErrors;
import dev.shardline.connectors.file.internal.DirectorySync;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One worker's writer of a {@link FileSink}; see there. Used by one thread. */
final class FileSinkWriter<T> implements CommittingSinkWriter<T, FilePart> {
  private static final Logger LOG = LoggerFactory.getLogger(FileSinkWriter.class);
  private static final Pattern SINK_ID = Pattern.compile("[A-Za-z0-9-]+");

  private final Path directory;
  private final Function<? super T, String> encoder;
  private final String suffix;
  private final int bufferBytes;
  private final String pipeline;
  private final Optional<String> sinkId;
  private final String namePrefix;
  private final int writerIndex;
  private final DirectorySync directorySync;
  // the checkpoint the records written now belong to: the context's first one, then one more per
  // prepareCommit (ids grow by one per checkpoint while a writer lives)
  private long checkpointId;
  private FileChannel channel;
  private BufferedWriter out;
  private long bytes;

  FileSinkWriter(FileSink<T> sink, SinkContext context) throws IOException {
    this.directory = sink.directory();
    this.encoder = sink.encoder();
    this.suffix = sink.suffix();
    this.bufferBytes = sink.bufferBytes();
    this.pipeline = context.pipelineName();
    this.sinkId = context.sinkId();
    sinkId.ifPresent(
        id ->
            checkArgument(
                SINK_ID.matcher(id).matches(),
                "sinkId must be letters, digits and '-' (it becomes part of file names), was '"
                    + id
                    + "'"));
    this.namePrefix = FileSink.namePrefix(pipeline, sinkId);
    this.writerIndex = context.writerIndex();
    this.directorySync = sink.directorySync();
    this.checkpointId = context.firstCheckpointId();
    try {
      Files.createDirectories(directory);
      if (!Files.isWritable(directory)) {
        throw new AccessDeniedException(directory.toString());
      }
    } catch (IOException e) {
      throw new UnrecoverableException(
          PathErrors.describe(directory, "file sink's output directory", "path", e), e);
    }
    cleanUpAfterEarlierRuns(
        context.parallelism(), context.restoredCheckpointId().orElse(0), checkpointId);
  }

  /**
   * In one listing of the directory, for this writer's old writers ({@code v % parallelism ==
   * writerIndex}): renames aside the committed parts of checkpoints after {@code restored} and
   * before {@code first} (checkpoints the store knew but lost after their parts were committed: the
   * records in them are read and written again), and deletes the in-progress parts a crash left (of
   * checkpoints that never completed). Committed parts of ids the store never knew are left alone:
   * a commit onto one fails, naming the likely cause.
   */
  private void cleanUpAfterEarlierRuns(int parallelism, long restored, long first)
      throws IOException {
    Pattern committed = FileSink.committedPattern(pipeline, sinkId, suffix);
    Pattern inProgress = FileSink.inProgressPattern(pipeline, sinkId, suffix);
    List<Path> rolledBack = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        Matcher m = committed.matcher(name);
        if (m.matches() && Integer.parseInt(m.group(1)) % parallelism == writerIndex) {
          long id = Long.parseLong(m.group(2));
          if (id > restored && id < first) {
            // no REPLACE_EXISTING: a rolled-back part is never overwritten
            Files.move(file, file.resolveSibling(FileSink.rolledBackName(name, restored)));
            rolledBack.add(file);
          }
          continue;
        }
        m = inProgress.matcher(name);
        if (m.matches() && Integer.parseInt(m.group(1)) % parallelism == writerIndex) {
          LOG.info(
              "Deleting {}: an in-progress part of a checkpoint that never completed (its records"
                  + " are read again)",
              file);
          Files.deleteIfExists(file);
        }
      }
    }
    if (!rolledBack.isEmpty()) {
      directorySync.sync(directory);
      LOG.warn(
          "Rolled back {} committed part(s) in {} ({}{}) to restored checkpoint {}: they belong to"
              + " later checkpoints that were lost (a corrupt checkpoint file set aside), and"
              + " their records are read and written again. Each is kept, hidden, as"
              + " .<name>.rolled-back-to-{}; delete them once you no longer need them",
          rolledBack.size(),
          directory,
          rolledBack.get(0).getFileName(),
          rolledBack.size() > 1 ? ", ..." : "",
          restored == 0 ? "none (a fresh start)" : Long.toString(restored),
          restored);
    }
  }

  @Override
  public void write(T record) throws IOException {
    if (out == null) {
      open();
    }
    String line = encoder.apply(record);
    out.write(line);
    out.write('\n');
    // chars, not bytes, for ASCII; close enough for a size report
    bytes += line.length() + 1;
  }

  private void open() throws IOException {
    Path file =
        directory.resolve(FileSink.inProgressName(namePrefix, writerIndex, checkpointId, suffix));
    channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    out =
        new BufferedWriter(
            new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8),
            bufferBytes);
    bytes = 0;
  }

  @Override
  public void flush() throws IOException {
    if (out != null) {
      out.flush();
    }
  }

  @Override
  public Collection<FilePart> prepareCommit() throws IOException {
    long id = checkpointId++;
    if (out == null) {
      return List.of();
    }
    out.flush();
    channel.force(true);
    out.close();
    out = null;
    channel = null;
    // the part is a new file: without its directory entry fsync'd it may vanish in a power loss
    // while the checkpoint naming it survives, and the commit of the restore would fail for good
    directorySync.sync(directory);
    return List.of(
        new FilePart(
            FileSink.inProgressName(namePrefix, writerIndex, id, suffix),
            FileSink.finalName(namePrefix, writerIndex, id, suffix),
            bytes));
  }

  @Override
  public void close() throws IOException {
    // what was not prepared is not committed: the next writer deletes the file
    if (out != null) {
      out.close();
      out = null;
    }
  }

  @Override
  public String toString() {
    return "FileSinkWriter{" + directory + ", " + namePrefix + ", writer " + writerIndex + "}";
  }
}
