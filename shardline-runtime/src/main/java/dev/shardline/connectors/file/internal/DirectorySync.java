package dev.shardline.connectors.file.internal;

import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the entries of a directory durable. A file created in a directory, or renamed within it,
 * survives a power loss only once the directory itself is fsync'd; fsyncing the file keeps its
 * bytes, not its name. The checkpoint store and the file sink call {@link #FSYNC} after each such
 * change; tests pass another implementation to see the calls. Implementations are thread-safe and
 * serializable (the file sink holds one and is shipped to Flink). It lives with the file sink,
 * which may use only the contract (so it runs on Flink too); the embedded runner's checkpoint store
 * shares it.
 *
 * <pre>{@code
 * Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
 * DirectorySync.FSYNC.sync(target.getParent());
 * }</pre>
 */
@FunctionalInterface
public interface DirectorySync extends Serializable {

  /**
   * fsyncs the directory through a read-only channel. File systems that cannot open a directory for
   * that (Windows, some network file systems) are tolerated with a DEBUG log: the change stands,
   * only its durability is up to the file system.
   */
  DirectorySync FSYNC = DirectorySync::fsync;

  /** Makes every file created or renamed in {@code directory} so far durable. */
  void sync(Path directory) throws IOException;

  private static void fsync(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      Logger log = LoggerFactory.getLogger(DirectorySync.class);
      log.debug("Cannot fsync directory {}: {}", directory, e.toString());
    }
  }
}
