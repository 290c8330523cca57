package dev.shardline.connectors.stdout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.runtime.Flow;
import dev.shardline.runtime.Pipeline;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30) // runs pipelines: a regression could keep one running
class StdoutSinkOptionsTest {
  @TempDir Path dir;
  private int runs;

  private static StdoutSink<Object> fromYaml(Map<String, Object> yaml) {
    return StdoutSink.fromConfiguration(Configuration.fromMap(yaml));
  }

  @Test
  void aBadFormatNamesTheKeyTheValueAndTheChoices() {
    assertThatThrownBy(() -> fromYaml(Map.of("format", "xml")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"xml\" for option \"format\": must be one of lines, json-lines");
    assertThatThrownBy(() -> fromYaml(Map.of("format", 3)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value \"3\" for option \"format\": must be one of lines, json-lines");
  }

  @Test
  void anUnknownKeyIsRefusedWithTheClosestDeclaredKey() {
    assertThatThrownBy(() -> fromYaml(Map.of("fromat", "lines")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Unknown option \"fromat\"; did you mean \"format\"?");
  }

  @Test
  void theFormatChoosesHowARecordIsPrinted() {
    assertThat(print(fromYaml(Map.of()))).isEqualTo("0\n1\n");
    assertThat(print(fromYaml(Map.of("format", "json-lines")))).isEqualTo("0\n1\n");
    assertThat(printText(fromYaml(Map.of("format", "json-lines")))).isEqualTo("\"n0\"\n\"n1\"\n");
    assertThat(printText(StdoutSink.jsonLines())).isEqualTo("\"n0\"\n\"n1\"\n");
    assertThat(printText(fromYaml(Map.of("format", "lines")))).isEqualTo("n0\nn1\n");
    assertThat(printText(StdoutSink.create())).isEqualTo("n0\nn1\n");
  }

  /** Prints the numbers 0 and 1 through {@code sink}. */
  private String print(StdoutSink<Object> sink) {
    return run(
        Pipeline.from(GeneratorSource.sequence().count(2).build()).map(n -> (Object) n), sink);
  }

  /** Prints the strings "n0" and "n1" through {@code sink}. */
  private String printText(StdoutSink<Object> sink) {
    return run(Pipeline.from(GeneratorSource.sequence().count(2).build()).map(n -> "n" + n), sink);
  }

  private String run(Flow<Object> flow, StdoutSink<Object> sink) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    flow.to(sink.to(new PrintStream(bytes, true, StandardCharsets.UTF_8)))
        // a fresh directory per run: a finished checkpoint would make the next run print nothing
        .checkpointDirectory(dir.resolve("run-" + runs++))
        .build()
        .run();
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
