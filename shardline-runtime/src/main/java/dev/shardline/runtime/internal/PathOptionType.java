package dev.shardline.runtime.internal;

import dev.shardline.config.OptionType;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The option type of file system paths ({@code checkpoint.directory}, the file sink's {@code
 * path}): a {@link Path} from Java, text from YAML. Relative paths stay relative (to the working
 * directory). Immutable and thread-safe.
 */
public final class PathOptionType implements OptionType<Path> {
  /** The one instance. */
  public static final PathOptionType INSTANCE = new PathOptionType();

  private PathOptionType() {}

  @Override
  public String name() {
    return "path";
  }

  @Override
  public Class<?> valueClass() {
    return Path.class;
  }

  @Override
  public Path parse(Object raw) {
    if (raw instanceof Path path) {
      return path;
    }
    if (!(raw instanceof String text)) {
      throw new IllegalArgumentException(
          "not a path; write it as text, such as /var/lib/shardline or out/orders");
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException("must not be empty; give a path such as out/orders");
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          "not a valid path on this system (" + e.getReason() + "); fix or quote it");
    }
  }

  @Override
  public String format(Path value) {
    return value.toString();
  }

  @Override
  public String toString() {
    return name();
  }
}
