package dev.shardline.kinesis.source.split;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * State bytes written by a released serializer version, kept as hex under {@code
 * src/test/resources/state}, so that every version stays readable. Run the tests once with {@code
 * -Dshardline.writeGolden=true} when adding a new version, then commit the new file; never rewrite
 * an existing one.
 */
public final class GoldenBytes {
  private static final Path DIR = Path.of("src/test/resources/state");

  private GoldenBytes() {}

  /** The bytes stored under {@code name}; writes {@code current} first when asked to. */
  public static byte[] read(String name, byte[] current) throws IOException {
    Path file = DIR.resolve(name + ".hex");
    if (Boolean.getBoolean("shardline.writeGolden") && !Files.exists(file)) {
      Files.createDirectories(DIR);
      Files.writeString(file, HexFormat.of().formatHex(current) + "\n", US_ASCII);
    }
    assertThat(file).as("golden state bytes %s", file).exists();
    return HexFormat.of().parseHex(Files.readString(file, US_ASCII).trim());
  }
}
