package dev.shardline.runtime.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Says why a directory the pipeline needs (checkpoints, file sink output) cannot be created or
 * written, in words a user can act on: which directory, which option sets it, what is in the way
 * and what to do. Shared by the checkpoint store and the file sink, so both say it the same way.
 */
public final class PathErrors {
  private PathErrors() {}

  /**
   * A message for {@code error}, raised while creating or writing {@code directory}.
   *
   * @param what what the directory is for, e.g. "checkpoint directory"
   * @param option the option that sets it, e.g. "checkpoint.directory"
   */
  public static String describe(Path directory, String what, String option, IOException error) {
    Path blocking = firstFileOnTheWay(directory);
    String reason;
    if (blocking != null) {
      reason =
          (blocking.equals(directory) ? "it is" : blocking + " is")
              + " a file, not a directory. Move the file away or point "
              + option
              + " at a directory";
    } else if (error instanceof AccessDeniedException) {
      reason =
          "permission denied"
              + (error.getMessage() != null && !error.getMessage().equals(directory.toString())
                  ? " on " + error.getMessage()
                  : "")
              + ". Give the user running the pipeline write access to it, or point "
              + option
              + " at a directory it can write";
    } else if (error instanceof FileAlreadyExistsException
        || error instanceof NotDirectoryException) {
      reason = "a file is in the way (" + error.getMessage() + "). Point " + option + " elsewhere";
    } else {
      String detail =
          error instanceof FileSystemException fs && fs.getReason() != null
              ? fs.getReason()
              : String.valueOf(error.getMessage());
      reason =
          error.getClass().getSimpleName()
              + ": "
              + detail
              + ". Check the path, its permissions and free space, or point "
              + option
              + " elsewhere";
    }
    return "Cannot use "
        + directory
        + " as the "
        + what
        + " (option "
        + option
        + "): "
        + reason
        + ".";
  }

  /** The first existing path from {@code directory} up to the root that is not a directory. */
  private static Path firstFileOnTheWay(Path directory) {
    for (Path p = directory.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        return Files.isDirectory(p) ? null : p;
      }
    }
    return null;
  }
}
