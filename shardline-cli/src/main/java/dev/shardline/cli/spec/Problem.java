package dev.shardline.cli.spec;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.cli.logging.Secrets;
import java.nio.file.Path;

/**
 * One thing wrong with a pipeline file: where (file, line, column), which key (the full dotted
 * path, e.g. {@code sinks[0].bootstrapServers}), what is wrong and how to fix it. Immutable.
 *
 * @param file the pipeline file
 * @param location where the key (or the section missing it) is; null when the file has no place for
 *     it
 * @param key the full key path, or empty for the file as a whole
 * @param message what is wrong and the fix
 */
public record Problem(Path file, Location location, String key, String message) {

  public Problem {
    checkNotNull(file, "file");
    checkNotNull(key, "key");
    checkNotNull(message, "message");
  }

  /**
   * {@code orders.yaml:12:5: sinks[0].topic: Invalid value ...}, as compilers print errors, so
   * editors and terminals can jump to the line. Secrets are masked.
   */
  @Override
  public String toString() {
    return Secrets.mask(
        file
            + (location == null ? "" : ":" + location.line() + ":" + location.column())
            + ": "
            + (key.isEmpty() ? "" : key + ": ")
            + message);
  }
}
