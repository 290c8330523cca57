package dev.shardline.runtime.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file that cannot be trusted: truncated, failing its checksum, or not a checkpoint
 * file at all. {@link DirectoryCheckpointStore#latest()} skips such a file (with a warning naming
 * it) and falls back to the checkpoint before it.
 */
public class CorruptCheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public CorruptCheckpointException(Path file, String reason) {
    super("Checkpoint file " + file + " is corrupt: " + reason);
    this.file = file;
  }

  public CorruptCheckpointException(Path file, String reason, Throwable cause) {
    super("Checkpoint file " + file + " is corrupt: " + reason, cause);
    this.file = file;
  }

  /** The damaged file. */
  public Path file() {
    return file;
  }
}
