package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.runtime.checkpoint.DirectoryCheckpointStore;
import java.nio.file.Files;
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

  @Test
  void partsCommittedByLostCheckpointsAreRolledBackSoEveryRecordIsWrittenOnce() throws Exception {
    Path out = dir.resolve("out");
    Path checkpoints = dir.resolve("checkpoints");
    pipeline(out, checkpoints).run();
    // every checkpoint after the first is lost (corrupt, so the store sets it aside): their
    // parts were committed, and their records are read again from checkpoint 1
    try (Stream<Path> files = Files.list(checkpoints)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".ckpt") && !name.equals(DirectoryCheckpointStore.fileName(1))) {
          Files.write(file, new byte[] {1, 2, 3}); // truncated
        }
      }
    }

    pipeline(out, checkpoints).run();

    List<Long> all = CommittedFiles.lines(out).stream().map(Long::parseLong).toList();
    assertThat(all)
        .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 20_000).boxed().toList());
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("the rolled-back parts are kept, hidden")
          .anyMatch(n -> n.startsWith(".part-lost@sink-0-") && n.endsWith(".txt.rolled-back-to-1"));
    }
  }

  @Test
  void aFreshStartLeavesCommittedOutputItsSourceMayNotReadAgainAlone() throws Exception {
    // regression of review: a checkpoint directory started over rolled back (hid) every committed
    // part, though a source reading from LATEST never writes those records again
    Path out = dir.resolve("out");
    pipeline(out, dir.resolve("checkpoints")).run();
    List<String> before = CommittedFiles.lines(out);

    assertThatThrownBy(() -> pipeline(out, dir.resolve("other-checkpoints")).run())
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageContaining("exists already");
    assertThat(CommittedFiles.lines(out)).as("the committed output").containsAll(before);
  }

  @Test
  void anOutputPathThatIsAFileFailsAtOnceNamingTheOption() throws Exception {
    Path file = Files.writeString(dir.resolve("out"), "not a directory");
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(10).build())
            .to(FileSink.lines(file).build())
            .checkpointDirectory(dir.resolve("checkpoints"))
            .restartPolicy(RestartPolicy.of(3, RestartPolicy.DEFAULT_BACKOFF))
            .build();

    assertThatThrownBy(pipeline::run)
        .isInstanceOf(PipelineFailedException.class)
        .hasMessage(
            "Cannot use "
                + file
                + " as the file sink's output directory (option path): "
                + file
                + " is a file, not a directory; move the file away or point path at a"
                + " directory.")
        .satisfies(e -> assertThat(((PipelineFailedException) e).attempts()).isEqualTo(1));
  }

  private static Pipeline pipeline(Path out, Path checkpoints) {
    return Pipeline.from(GeneratorSource.sequence().count(20_000).ratePerSecond(100_000).build())
        .to(FileSink.lines(out).build())
        .name("lost")
        .parallelism(2)
        .checkpointInterval(Duration.ofMillis(20))
        .checkpointDirectory(checkpoints)
        .retainedCheckpoints(1_000)
        .build();
  }
}
