package dev.shardline.dev.local;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A stream and its shard count, or a topic and its partition count: {@code orders:2}.
 *
 * @param name the stream or topic name
 * @param count how many shards or partitions, at least 1
 */
public record NameAndCount(String name, int count) {
  public NameAndCount {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name cannot be empty");
    }
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, but was " + count);
    }
  }

  /** Parses {@code NAME:COUNT}; a name alone means one shard or partition. */
  public static NameAndCount parse(String text) {
    int colon = text.lastIndexOf(':');
    String name = colon < 0 ? text : text.substring(0, colon);
    if (name.isBlank()) {
      throw new IllegalArgumentException(
          "'" + text + "' has no name: write NAME:COUNT, e.g. orders:2");
    }
    if (colon < 0) {
      return new NameAndCount(name, 1);
    }
    int count;
    try {
      count = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "': the count after ':' must be a whole number, e.g. orders:2");
    }
    if (count < 1 || count > 100) {
      throw new IllegalArgumentException(
          "'" + text + "': the count after ':' must be between 1 and 100");
    }
    return new NameAndCount(name, count);
  }

  @Override
  public String toString() {
    return name + ":" + count;
  }

  /** For picocli: a bad value is a usage error (exit 2) with the message of {@link #parse}. */
  public static final class Converter implements ITypeConverter<NameAndCount> {
    @Override
    public NameAndCount convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
