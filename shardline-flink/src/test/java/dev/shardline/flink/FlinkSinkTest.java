package dev.shardline.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.config.ConfigException;
import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.stdout.StdoutSink;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkSinkTest {
  @TempDir Path dir;

  @Test
  void aTransactionalSinkCommitsThroughFlinksCommitter() {
    FlinkSink<String> sink = FlinkSink.of(FileSink.lines(dir).build());

    assertThat(sink).isInstanceOf(SupportsCommitter.class);
    assertThat(sink).isNotInstanceOf(SupportsWriterState.class);
  }

  @Test
  void aPlainSinkNeedsNeitherWriterStateNorACommitter() {
    FlinkSink<String> sink = FlinkSink.of(StdoutSink.create());

    assertThat(sink).isNotInstanceOf(SupportsCommitter.class);
    assertThat(sink).isNotInstanceOf(SupportsWriterState.class);
  }

  @Test
  void settingsKeepTheVariantAndSurviveJavaSerialization() throws Exception {
    FlinkSink<String> sink =
        FlinkSink.<String>of(FileSink.lines(dir).build()).pipelineName("orders").sinkId("files");

    Object copy = roundTrip(sink);

    assertThat(copy).isInstanceOf(SupportsCommitter.class);
    assertThat(copy.toString()).contains("sinkId=files");
  }

  @Test
  void aSinkWithAFunctionThatCannotBeShippedIsRefusedWhenTheJobIsBuiltNamingTheField() {
    Object notSerializable = new Object();
    FileSink<String> sink =
        FileSink.<String>builder(dir, value -> value + notSerializable.hashCode()).build();

    assertThatThrownBy(() -> FlinkSink.of(sink))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("The sink FileSink cannot be serialized")
        .hasMessageContaining("FileSink.encoder")
        .hasMessageContaining("Make the function a static nested class implementing Serializable");
  }

  @Test
  void aSinkIdOutsideLettersDigitsAndDashIsRefused() {
    assertThatThrownBy(() -> FlinkSink.of(StdoutSink.create()).sinkId("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sinkId must be letters, digits and '-' only, was 'a b'");
  }

  private static Object roundTrip(Object value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }
}
