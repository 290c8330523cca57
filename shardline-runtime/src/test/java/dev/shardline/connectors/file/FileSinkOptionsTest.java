package dev.shardline.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkOptionsTest {
  @TempDir Path dir;

  private FileSink<Object> fromYaml(Map<String, Object> yaml) {
    return FileSink.fromConfiguration(Configuration.fromMap(yaml));
  }

  @Test
  void thePathIsRequired() {
    assertThatThrownBy(() -> fromYaml(Map.of("format", "json-lines")))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).contains("path"))
        .hasMessage(
            "Missing option \"path\" (path): The directory the part files are written to"
                + " (created when missing). Required. Set it; it has no default.");
  }

  @Test
  void badValuesNameTheKeyTheValueAndTheFix() {
    String path = dir.toString();
    assertThatThrownBy(() -> fromYaml(Map.of("path", path, "bufferSize", "lots")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"lots\" for option \"bufferSize\": not a data size; use a number of"
                + " bytes or a number with a unit, such as 512KB, 4MB or 1MiB");
    assertThatThrownBy(() -> fromYaml(Map.of("path", path, "bufferSize", 0)))
        .hasMessage("Invalid value \"0B\" for option \"bufferSize\": must be from 1B to 1GiB");
    assertThatThrownBy(() -> fromYaml(Map.of("path", path, "format", "csv")))
        .hasMessage(
            "Invalid value \"csv\" for option \"format\": must be one of lines, json-lines");
    assertThatThrownBy(() -> fromYaml(Map.of("path", path, "suffix", "x/y")))
        .hasMessage(
            "Invalid value \"x/y\" for option \"suffix\": must not contain a path separator (/"
                + " or backslash)");
    assertThatThrownBy(() -> fromYaml(Map.of("path", "")))
        .hasMessageStartingWith("Invalid value \"\" for option \"path\": must not be empty");
  }

  @Test
  void theJavaBuilderFailsWithTheSameConfigExceptions() {
    assertThatThrownBy(() -> FileSink.lines(dir).bufferBytes(0))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value \"0B\" for option \"bufferSize\": must be from 1B to 1GiB");
    assertThatThrownBy(() -> FileSink.lines(dir).bufferBytes(-1))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"-1\" for option \"bufferSize\": a data size cannot be negative");
    assertThatThrownBy(() -> FileSink.lines(dir).suffix("a\\b"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Invalid value \"a\\b\" for option \"suffix\"");
  }

  @Test
  void anUnknownKeyIsRefusedWithTheClosestDeclaredKey() {
    assertThatThrownBy(() -> fromYaml(Map.of("path", dir.toString(), "bufferSise", "1MiB")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Unknown option \"bufferSise\"; did you mean \"bufferSize\"?");
  }

  @Test
  void theSuffixFollowsTheFormatUnlessSet() {
    assertThat(fromYaml(Map.of("path", dir.toString())).suffix()).isEqualTo(".txt");
    assertThat(fromYaml(Map.of("path", dir.toString(), "format", "json-lines")).suffix())
        .isEqualTo(".jsonl");
    assertThat(
            fromYaml(Map.of("path", dir.toString(), "format", "json-lines", "suffix", "")).suffix())
        .isEmpty();
    assertThat(FileSink.builder(dir, String::valueOf).build().suffix()).isEqualTo(".txt");
    assertThat(fromYaml(Map.of("path", dir.toString(), "bufferSize", "1KiB")).bufferBytes())
        .isEqualTo(1024);
    assertThat(FileSink.lines(dir).build().bufferBytes()).isEqualTo(FileSink.DEFAULT_BUFFER_BYTES);
  }
}
