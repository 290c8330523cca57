package dev.shardline.connectors.file;

import dev.shardline.api.Committer;
import dev.shardline.api.ShardlineException;
import dev.shardline.connectors.file.internal.DirectorySync;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;

/** Renames in-progress parts to their final names; idempotent. Used from one thread. */
final class FileCommitter implements Committer<FilePart> {
  private final Path directory;
  private final DirectorySync directorySync;

  FileCommitter(Path directory, DirectorySync directorySync) {
    this.directory = directory;
    this.directorySync = directorySync;
  }

  @Override
  public void commit(Collection<FilePart> parts) throws IOException {
    boolean renamed = false;
    for (FilePart part : parts) {
      Path inProgress = directory.resolve(part.inProgressName());
      Path committed = directory.resolve(part.finalName());
      boolean pending = Files.exists(inProgress);
      boolean done = Files.exists(committed);
      if (pending && done) {
        throw new ShardlineException(
            "Cannot commit "
                + inProgress
                + ": "
                + committed
                + " exists already. Another pipeline with the same name writes to "
                + directory
                + ", or its checkpoint directory was deleted while its output was kept; give each"
                + " pipeline its own name and output directory.");
      }
      if (pending) {
        Files.move(inProgress, committed, StandardCopyOption.ATOMIC_MOVE);
        renamed = true;
      } else if (!done) {
        throw new ShardlineException(
            "Cannot commit part "
                + part.finalName()
                + " in "
                + directory
                + ": neither it nor its in-progress file "
                + part.inProgressName()
                + " exists. Something deleted it; its records are lost from the output.");
      }
    }
    if (renamed) {
      directorySync.sync(directory);
    }
  }

  @Override
  public void close() {}
}
