package dev.shardline.config;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * Says why a directory the pipeline needs (checkpoints, file sink output) could not be created or
 * written, in words a user can act on: which directory, which option sets it, what is in the way
 * and what to do. What is in the way is judged by {@link PathChecks}, the same check {@code
 * shardline validate} makes before a run, so both say it in the same words.
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
    String reason =
        PathChecks.problem(PathType.Use.WRITES_DIRECTORY, directory, option)
            .orElseGet(
                () -> {
                  String detail =
                      error instanceof FileSystemException fs && fs.getReason() != null
                          ? fs.getReason()
                          : String.valueOf(error.getMessage());
                  return detail
                      + "; check the path, its permissions and free space, or point "
                      + option
                      + " elsewhere";
                });
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
}
