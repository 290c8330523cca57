package dev.shardline.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks, without creating or changing anything, that the paths a pipeline file names can be used
 * as their options declare ({@link PathType.Use}): a directory to write must be a directory, or be
 * creatable (its nearest existing ancestor a writable directory), and be writable by this user; a
 * file to read must exist, be a file and be readable. A path can still go bad between the check and
 * the run; the runner says so then, in the same words ({@link PathErrors}, which the file sink and
 * the checkpoint store call when creating their directory fails). Stateless.
 */
public final class PathChecks {
  private PathChecks() {}

  /**
   * What stands in the way of using {@code path} as {@code use} says, or empty when nothing does.
   *
   * @param key the full key to name in the fix, e.g. {@code sinks[0].path}
   */
  public static Optional<String> problem(PathType.Use use, Path path, String key) {
    return Optional.ofNullable(
        use == PathType.Use.WRITES_DIRECTORY
            ? directoryProblem(path, key)
            : fileProblem(path, key));
  }

  private static String directoryProblem(Path path, String key) {
    Path absolute = path.toAbsolutePath().normalize();
    if (Files.exists(absolute)) {
      if (!Files.isDirectory(absolute)) {
        return shown(path)
            + " is a file, not a directory; move the file away or point "
            + key
            + " at a directory";
      }
      if (!Files.isWritable(absolute)) {
        return "cannot write into "
            + shown(path)
            + ": permission denied for user "
            + user()
            + "; give that user write access to it, or point "
            + key
            + " at a directory it can write";
      }
      return null;
    }
    Path ancestor = absolute.getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor == null) {
      return null; // no root: nothing to judge by
    }
    if (!Files.isDirectory(ancestor)) {
      return "cannot create "
          + shown(path)
          + ": "
          + ancestor
          + " is a file, not a directory; move the file away or point "
          + key
          + " elsewhere";
    }
    if (!Files.isWritable(ancestor)) {
      return "cannot create "
          + shown(path)
          + ": permission denied in "
          + ancestor
          + " for user "
          + user()
          + "; create the directory with write access for that user, or point "
          + key
          + " at a directory it can write";
    }
    return null;
  }

  private static String fileProblem(Path path, String key) {
    Path absolute = path.toAbsolutePath().normalize();
    if (!Files.exists(absolute)) {
      return "there is no file " + shown(path) + "; check " + key;
    }
    if (Files.isDirectory(absolute)) {
      return shown(path) + " is a directory; point " + key + " at a file";
    }
    if (!Files.isReadable(absolute)) {
      return "cannot read "
          + shown(path)
          + ": permission denied for user "
          + user()
          + "; give that user read access to it";
    }
    return null;
  }

  /** The path as written, and where it is when it is relative. */
  private static String shown(Path path) {
    return path.isAbsolute()
        ? path.toString()
        : path + " (relative to the working directory " + Path.of("").toAbsolutePath() + ")";
  }

  private static String user() {
    return System.getProperty("user.name", "running the pipeline");
  }
}
