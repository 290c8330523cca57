package dev.shardline.runtime.checkpoint;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.config.PathErrors;
import dev.shardline.connectors.file.internal.DirectorySync;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link CheckpointStore}: one file per checkpoint in a local directory.
 *
 * <ul>
 *   <li>Files are named {@code checkpoint-<id, 20 digits>.ckpt} and laid out as {@link
 *       CheckpointFileFormat} says (magic number, format version, CRC32C).
 *   <li>{@link #store} writes a temp file ({@code .checkpoint-<id>.ckpt.tmp}), fsyncs it, renames
 *       it atomically to its final name and fsyncs the directory, so a crash at any moment leaves
 *       either the whole checkpoint or none of it. Then it deletes all but the newest {@code
 *       retained} checkpoints (default {@value #DEFAULT_RETAINED}).
 *   <li>{@link #latest()} reads the newest file; if it is corrupt (truncated, bad checksum) it
 *       falls back to the one before. Once it found a readable one it logs a WARN naming each
 *       corrupt file and renames it to {@code <name>.corrupt} (kept for inspection, never read
 *       again). If none is readable it renames nothing and throws, as it does when only {@code
 *       .corrupt} files are left: it never reports "no checkpoint" for a directory that had some.
 *   <li>{@link #highestIdUsed()} is the highest id of any checkpoint file, {@code .corrupt} file or
 *       half-written temp file it found in the directory (temp files are deleted when it opens,
 *       after their ids are noted) or stored, so a runner never gives a new checkpoint the id of
 *       one that was lost.
 *   <li>The store holds an exclusive lock on {@code .lock} in the directory while open, so two
 *       pipelines never share a checkpoint directory; the OS drops the lock when the process dies.
 * </ul>
 *
 * <p>Not thread-safe: one pipeline's coordinator uses it.
 *
 * <pre>{@code
 * try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(Path.of("checkpoints/orders"), 5)) {
 *   Optional<Checkpoint> latest = store.latest();
 * }
 * }</pre>
 */
public final class DirectoryCheckpointStore implements CheckpointStore {
  /** How many checkpoints are kept unless told otherwise. */
  public static final int DEFAULT_RETAINED = 3;

  private static final Logger LOG = LoggerFactory.getLogger(DirectoryCheckpointStore.class);
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{20})\\.ckpt");
  private static final Pattern CORRUPT_NAME =
      Pattern.compile("checkpoint-(\\d{20})\\.ckpt\\.corrupt");
  private static final Pattern TEMP_NAME = Pattern.compile("\\.checkpoint-(\\d{20})\\.ckpt\\.tmp");
  private static final String LOCK_FILE = ".lock";

  private final Path directory;
  private final int retained;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final List<CorruptCheckpointException> skipped = new ArrayList<>();
  // ids of temp files deleted at open, which no listing shows any more
  private long highestTempId;

  private DirectoryCheckpointStore(
      Path directory, int retained, FileChannel lockChannel, FileLock lock) {
    this.directory = directory;
    this.retained = retained;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (creating it if needed) and locks a checkpoint directory, and deletes temp files that a
   * crash left behind.
   *
   * @param retained how many checkpoints to keep; 1 or more
   * @throws ShardlineException when another pipeline holds the directory
   * @throws UnrecoverableException when the directory cannot be created or written (a file in its
   *     place, no permission), naming the path, option {@code checkpoint.directory} and the fix
   */
  public static DirectoryCheckpointStore open(Path directory, int retained) throws IOException {
    checkNotNull(directory, "directory");
    checkArgument(retained >= 1, "retained must be 1 or more, was " + retained);
    Path dir = directory.toAbsolutePath().normalize();
    FileChannel channel;
    try {
      Files.createDirectories(dir);
      channel =
          FileChannel.open(
              dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UnrecoverableException(
          PathErrors.describe(dir, "checkpoint directory", "checkpoint.directory", e), e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new ShardlineException(
          "Checkpoint directory "
              + dir
              + " is in use by another running pipeline (it holds "
              + dir.resolve(LOCK_FILE)
              + "). Give each pipeline its own checkpoint directory.");
    }
    DirectoryCheckpointStore store = new DirectoryCheckpointStore(dir, retained, channel, lock);
    store.deleteTempFiles();
    return store;
  }

  /** The directory. */
  public Path directory() {
    return directory;
  }

  @Override
  public String location() {
    return directory.toString();
  }

  /** The checkpoint files present, oldest first. */
  public List<Path> files() throws IOException {
    try (Stream<Path> list = Files.list(directory)) {
      return list.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .sorted(Comparator.comparingLong(DirectoryCheckpointStore::idOf))
          .toList();
    }
  }

  /** The file name checkpoint {@code id} is stored under. */
  public static String fileName(long id) {
    return String.format("checkpoint-%020d.ckpt", id);
  }

  /**
   * The corrupt files the last {@link #latest()} skipped, newest first (when it found an older
   * readable checkpoint, each was logged at WARN and renamed to {@code <name>.corrupt}).
   */
  public List<CorruptCheckpointException> skipped() {
    return List.copyOf(skipped);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A corrupt file is renamed to {@code <name>.corrupt} only once an older readable checkpoint
   * was found to fall back to; when none is readable the files are left as they are and this
   * throws, on every call, so a restart never starts over from the source's initial position.
   *
   * @throws ShardlineException when checkpoint files exist but none is readable, or when only
   *     {@code .corrupt} files set aside earlier are left
   */
  @Override
  public Optional<Checkpoint> latest() throws IOException {
    skipped.clear();
    List<Path> files = new ArrayList<>(files());
    Collections.reverse(files);
    for (Path file : files) {
      Checkpoint checkpoint;
      try {
        checkpoint = read(file);
      } catch (CorruptCheckpointException e) {
        skipped.add(e);
        continue;
      }
      if (!skipped.isEmpty()) {
        setAside(file);
      }
      return Optional.of(checkpoint);
    }
    if (!skipped.isEmpty()) {
      throw new ShardlineException(
          "No readable checkpoint in "
              + directory
              + ": all "
              + skipped.size()
              + " checkpoint file(s) are corrupt (first: "
              + skipped.get(0).getMessage()
              + "). Refusing to start from the source's initial position silently; to start"
              + " over, delete the directory.",
          skipped.get(0));
    }
    List<Path> setAside = corruptFiles();
    if (!setAside.isEmpty()) {
      throw new ShardlineException(
          "No readable checkpoint in "
              + directory
              + ", only "
              + setAside.size()
              + " corrupt checkpoint file(s) set aside earlier (such as "
              + setAside.get(setAside.size() - 1).getFileName()
              + "). Refusing to start from the source's initial position silently; to start"
              + " over, delete the directory.");
    }
    return Optional.empty();
  }

  private Checkpoint read(Path file) throws IOException {
    Checkpoint checkpoint = CheckpointFileFormat.decode(Files.readAllBytes(file), file);
    if (checkpoint.id() != idOf(file)) {
      throw new CorruptCheckpointException(
          file, "it holds checkpoint " + checkpoint.id() + ", not " + idOf(file));
    }
    return checkpoint;
  }

  /** Renames the skipped files aside, now that {@code fallback} is known to be readable. */
  private void setAside(Path fallback) throws IOException {
    for (CorruptCheckpointException e : skipped) {
      Path aside = e.file().resolveSibling(e.file().getFileName() + ".corrupt");
      LOG.warn(
          "{}; falling back to the previous checkpoint. The file is kept as {}",
          e.getMessage(),
          aside);
      Files.move(e.file(), aside, StandardCopyOption.REPLACE_EXISTING);
    }
    LOG.warn(
        "Restoring from the older checkpoint {} because {} newer checkpoint file(s) were"
            + " corrupt; records after it are read again (sinks without transactions may"
            + " see duplicates)",
        fallback,
        skipped.size());
  }

  /** The {@code checkpoint-<id>.ckpt.corrupt} files present, oldest first. */
  private List<Path> corruptFiles() throws IOException {
    try (Stream<Path> list = Files.list(directory)) {
      return list.filter(p -> CORRUPT_NAME.matcher(p.getFileName().toString()).matches())
          .sorted()
          .toList();
    }
  }

  @Override
  public long store(Checkpoint checkpoint) throws IOException {
    byte[] bytes = CheckpointFileFormat.encode(checkpoint);
    String name = fileName(checkpoint.id());
    Path temp = directory.resolve("." + name + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(temp, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    DirectorySync.FSYNC.sync(directory);
    deleteOldCheckpoints();
    return bytes.length;
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      lockChannel.close();
    }
  }

  private void deleteOldCheckpoints() throws IOException {
    List<Path> files = files();
    for (int i = 0; i < files.size() - retained; i++) {
      Files.deleteIfExists(files.get(i));
    }
  }

  private void deleteTempFiles() throws IOException {
    try (Stream<Path> list = Files.list(directory)) {
      for (Path p : list.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".checkpoint-") && name.endsWith(".tmp")) {
          Matcher m = TEMP_NAME.matcher(name);
          if (m.matches()) {
            highestTempId = Math.max(highestTempId, Long.parseLong(m.group(1)));
          }
          LOG.debug("Deleting {}, left by a checkpoint that never completed", p);
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Override
  public long highestIdUsed() throws IOException {
    long highest = highestTempId;
    try (Stream<Path> list = Files.list(directory)) {
      for (Path p : list.toList()) {
        String name = p.getFileName().toString();
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
          m = CORRUPT_NAME.matcher(name);
        }
        if (m.matches()) {
          highest = Math.max(highest, Long.parseLong(m.group(1)));
        }
      }
    }
    return highest;
  }

  private static long idOf(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("Not a checkpoint file name: " + file);
    }
    return Long.parseLong(m.group(1));
  }

  @Override
  public String toString() {
    return "DirectoryCheckpointStore{" + directory + ", retained=" + retained + "}";
  }
}
