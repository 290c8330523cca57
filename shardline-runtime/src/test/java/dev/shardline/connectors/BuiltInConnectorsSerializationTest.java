package dev.shardline.connectors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.Source;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.config.Serializability;
import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.connectors.stdout.StdoutSink;
import dev.shardline.runtime.Pipeline;
import dev.shardline.testkit.serial.JavaSerialization;
import dev.shardline.testsupport.StandaloneSinkContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in connectors run on Flink too, which Java-serializes them: a shipped copy must work as
 * the original does.
 */
@Timeout(60) // runs pipelines: a regression could keep one running
class BuiltInConnectorsSerializationTest {
  @TempDir Path dir;

  /** Something a user's job might hold that cannot be serialized. */
  static final class Catalog {
    String nameOf(Object record) {
      return "item " + record;
    }
  }

  @Test
  void shippedGeneratorsEmitTheSameRecordsIntoAShippedFileSink() throws Exception {
    List<Source<?, ?, ?>> generators =
        List.of(
            GeneratorSource.jsonEvents(16, 20).count(500).build(),
            GeneratorSource.builder("squares", n -> n * n).count(300).splits(3).build(),
            GeneratorSource.fromConfiguration(
                Configuration.fromMap(Map.of("kind", "sequence", "count", 200))));
    for (Source<?, ?, ?> generator : generators) {
      Path original = dir.resolve(generator.identity() + "-original");
      Path shipped = dir.resolve(generator.identity() + "-shipped");

      run(generator, FileSink.jsonLines(original).build(), "original");
      run(
          JavaSerialization.roundTrip(Serializability.requireSerializable(generator, "source")),
          JavaSerialization.roundTrip(FileSink.jsonLines(shipped).build()),
          "shipped");

      assertThat(lines(shipped)).isNotEmpty().isEqualTo(lines(original));
    }
  }

  @Test
  void aShippedFileSinkKeepsItsDirectoryEncoderAndSuffix() throws Exception {
    FileSink<Long> sink =
        FileSink.<Long>builder(dir.resolve("out"), n -> "n=" + n).suffix(".log").build();

    FileSink<Long> shipped = JavaSerialization.roundTrip(sink);
    run(GeneratorSource.sequence().count(3).build(), shipped, "file");

    assertThat(shipped.directory()).isEqualTo(dir.resolve("out").toAbsolutePath().normalize());
    try (Stream<Path> files = Files.list(shipped.directory())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .isNotEmpty()
          .allSatisfy(name -> assertThat(name).startsWith("part-file").endsWith(".log"));
    }
    assertThat(lines(shipped.directory())).containsExactly("n=0", "n=1", "n=2");
  }

  @Test
  void shippedStdoutSinksPrintToTheStandardStreamOfTheirJvm() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    System.setOut(new PrintStream(out, true, UTF_8));
    System.setErr(new PrintStream(err, true, UTF_8));
    try {
      print(JavaSerialization.roundTrip(StdoutSink.<Long>create(n -> "record " + n)), 1L);
      print(JavaSerialization.roundTrip(StdoutSink.jsonLines()), Map.of("n", 2));
      print(
          JavaSerialization.roundTrip(StdoutSink.<Long>create(n -> "e" + n).toStandardError()), 3L);
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }

    assertThat(out.toString(UTF_8)).isEqualTo("record 1\n{\"n\":2}\n");
    assertThat(err.toString(UTF_8)).isEqualTo("e3\n");
  }

  @Test
  void aStdoutSinkGivenItsOwnStreamIsRefusedNamingTheStream() {
    StdoutSink<Object> sink = StdoutSink.create().to(new PrintStream(new ByteArrayOutputStream()));

    assertThatThrownBy(() -> Serializability.requireSerializable(sink, "sink sink-0 (stdout)"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "StdoutSink.stream is a java.io.PrintStream, which is not Serializable");
  }

  @Test
  void anEncoderCapturingSomethingNotSerializableIsRefusedNamingIt() {
    Catalog catalog = new Catalog();
    FileSink<Object> sink = FileSink.builder(dir, record -> catalog.nameOf(record)).build();

    assertThatThrownBy(() -> Serializability.requireSerializable(sink, "sink sink-0 (file)"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "FileSink.encoder is a lambda or method reference written in "
                + BuiltInConnectorsSerializationTest.class.getName()
                + " capturing a "
                + Catalog.class.getName());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void run(Source<?, ?, ?> source, Sink<?> sink, String name) {
    Pipeline.from((Source) source)
        .to((Sink) sink)
        .name(name)
        .parallelism(2)
        .checkpointDirectory(dir.resolve("checkpoints-" + name + "-" + System.nanoTime()))
        .build()
        .run();
  }

  private static <T> void print(StdoutSink<T> sink, T record) throws Exception {
    try (SinkWriter<T> writer = sink.createWriter(StandaloneSinkContext.of("p"))) {
      writer.write(record);
      writer.flush();
    }
  }

  /** Every line of the committed parts in {@code directory}, sorted. */
  private static List<String> lines(Path directory) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        lines.addAll(Files.readAllLines(file, UTF_8));
      }
    }
    return lines.stream().sorted().toList();
  }
}
