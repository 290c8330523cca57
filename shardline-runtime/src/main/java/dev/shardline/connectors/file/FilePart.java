package dev.shardline.connectors.file;

import static dev.shardline.util.Preconditions.checkNotNull;

/**
 * A committable of the {@link FileSink}: a closed, fsync'd in-progress part file and the name it
 * gets when its checkpoint completes. Immutable.
 *
 * @param inProgressName the in-progress file's name in the sink's directory
 * @param finalName the committed file's name in the same directory
 * @param bytes how many bytes it holds
 */
public record FilePart(String inProgressName, String finalName, long bytes) {
  public FilePart {
    checkNotNull(inProgressName, "inProgressName");
    checkNotNull(finalName, "finalName");
  }
}
