package dev.shardline.connectors.stdout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.runtime.Pipeline;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30) // runs pipelines: a regression could keep one running
class StdoutSinkTest {
  @TempDir Path dir;

  @Test
  void printsOneWholeLinePerRecordFromEveryWorker() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    Pipeline.from(GeneratorSource.sequence().count(5_000).build())
        .to(StdoutSink.<Long>create(n -> "record " + n).to(stream))
        .parallelism(3)
        .checkpointDirectory(dir)
        .build()
        .run();

    assertThat(bytes.toString(StandardCharsets.UTF_8).split("\n"))
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 5_000).mapToObj(n -> "record " + n).toList());
  }
}
