package dev.shardline.config;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The option type of file system paths ({@code checkpoint.directory}, the file sink's {@code path},
 * {@code avro.schemaFile}): a {@link Path} from Java, text from YAML. Relative paths stay relative
 * (to the working directory). Each path option says what the component does with the path ({@link
 * Use}), so a tool such as {@code shardline validate} can check, before anything runs, that a
 * directory can be created and written or that a file can be read. Immutable and thread-safe.
 *
 * <pre>{@code
 * ConfigOption<Path> DIRECTORY =
 *     ConfigOptions.key("checkpoint.directory").pathType(PathType.Use.WRITES_DIRECTORY)...
 * }</pre>
 */
public final class PathType implements OptionType<Path> {
  private static final PathType WRITES_DIRECTORY = new PathType(Use.WRITES_DIRECTORY);
  private static final PathType READS_FILE = new PathType(Use.READS_FILE);

  /** What a component does with the path an option names. */
  public enum Use {
    /** A directory the component creates when missing and writes files into. */
    WRITES_DIRECTORY,
    /** A file the component reads. */
    READS_FILE
  }

  private final Use use;

  private PathType(Use use) {
    this.use = use;
  }

  /** The type of paths used as {@code use} says. */
  public static PathType of(Use use) {
    checkNotNull(use, "use");
    return use == Use.WRITES_DIRECTORY ? WRITES_DIRECTORY : READS_FILE;
  }

  /** What the component does with the path. */
  public Use use() {
    return use;
  }

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
