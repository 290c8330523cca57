package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60) // runs pipelines: a regression could keep one running
class FileSinkPipelineTest {
  @TempDir Path dir;

  @Test
  void twoFileSinksOfOnePipelineWritingOneDirectoryEachCommitEveryRecordOnce() throws Exception {
    // regression: both sinks wrote the same part names, so their records interleaved in one file
    // and one sink's commit found the other's part already renamed
    Path out = dir.resolve("out");
    Pipeline.from(GeneratorSource.sequence().count(20_000).build())
        .to(FileSink.lines(out).build())
        .to(FileSink.lines(out).build())
        .name("twice")
        .parallelism(2)
        .checkpointInterval(Duration.ofMillis(20))
        .checkpointDirectory(dir.resolve("checkpoints"))
        .build()
        .run();

    List<Long> expected = LongStream.range(0, 20_000).boxed().toList();
    List<Long> all = CommittedFiles.lines(out).stream().map(Long::parseLong).toList();
    assertThat(all)
        .containsExactlyInAnyOrderElementsOf(
            Stream.concat(expected.stream(), expected.stream()).toList());
    assertThat(CommittedFiles.inProgress(out)).isEmpty();
  }
}
