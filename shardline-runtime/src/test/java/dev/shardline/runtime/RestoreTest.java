package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorEnumeratorState;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.connectors.generator.GeneratorSplit;
import dev.shardline.runtime.checkpoint.Checkpoint;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.runtime.checkpoint.DirectoryCheckpointStore;
import dev.shardline.runtime.checkpoint.StateBlob;
import dev.shardline.time.ManualTime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60) // runs pipelines: a regression could keep one running
class RestoreTest {
  private static final long COUNT = 30_000;
  // 12,000/s over 6 splits for 50 ms: 600 records, a whole number per reader at parallelism 2 and 3
  private static final double RATE = 12_000;
  private static final Duration PACED = Duration.ofMillis(50);
  private static final int RECORDS_PER_RUN = 600;

  @TempDir Path dir;

  @Test
  void aCheckpointOfAnotherSourceIsRefusedNamingBothIdentitiesTheDirectoryAndTheFix() {
    Path checkpoints = dir.resolve("checkpoints");
    Pipeline.from(GeneratorSource.sequence().count(100).build())
        .to(new CollectingSink<>())
        .checkpointDirectory(checkpoints)
        .build()
        .run();

    Pipeline other =
        Pipeline.from(GeneratorSource.jsonEvents(4, 10).count(100).build())
            .to(new CollectingSink<>())
            .name("events")
            .checkpointDirectory(checkpoints)
            .restartPolicy(RestartPolicy.DEFAULT)
            .build();

    assertThatThrownBy(other::run)
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageContaining("source 'generator:sequence'")
        .hasMessageContaining("source 'generator:json-events'")
        .hasMessageContaining(checkpoints.toAbsolutePath().toString())
        .hasMessageContaining("Use another checkpoint directory")
        .hasMessageContaining("delete")
        // no restart can fix it, so none is tried
        .satisfies(e -> assertThat(((PipelineFailedException) e).attempts()).isEqualTo(1));
  }

  @Test
  void restoringAtAnotherParallelismRedistributesEverySplitWithNoLossOrDuplication()
      throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    Path out = dir.resolve("out");

    // Given 6 splits, part-read at parallelism 2, then at 3
    readThenStop(checkpoints, out, 2);
    int afterFirst = CommittedFiles.lines(out).size();
    readThenStop(checkpoints, out, 3);
    int afterSecond = CommittedFiles.lines(out).size();
    assertThat(afterFirst).isEqualTo(RECORDS_PER_RUN);
    assertThat(afterSecond).isEqualTo(2 * RECORDS_PER_RUN);

    // the checkpoint taken at parallelism 3 holds each of the 6 splits exactly once
    try (CheckpointStore store = CheckpointStore.directory(checkpoints)) {
      Checkpoint checkpoint = store.latest().orElseThrow();
      assertThat(checkpoint.parallelism()).isEqualTo(3);
      List<Integer> splitIndexes = new ArrayList<>();
      for (int reader = 0; reader < 3; reader++) {
        for (StateBlob blob : checkpoint.readerSplits().get(reader)) {
          GeneratorSplit split = blob.read(source(3).splitSerializer());
          assertThat(split.index() % 3)
              .as("split %s on reader %d", split, reader)
              .isEqualTo(reader);
          splitIndexes.add(split.index());
        }
      }
      GeneratorEnumeratorState enumerator =
          checkpoint.enumeratorState().read(source(3).enumeratorStateSerializer());
      enumerator.unassigned().forEach(s -> splitIndexes.add(s.index()));
      assertThat(splitIndexes).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    // When it finishes at parallelism 1
    builder(checkpoints, out, 1, 0).build().run();

    // Then every number was committed exactly once
    List<Long> committed = CommittedFiles.lines(out).stream().map(Long::parseLong).toList();
    assertThat(committed)
        .hasSize((int) COUNT)
        .containsExactlyInAnyOrderElementsOf(LongStream.range(0, COUNT).boxed().toList());
    assertThat(CommittedFiles.inProgress(out)).isEmpty();
  }

  @Test
  void theCheckpointDirectoryIsUnlockedWhenRunReturns() throws Exception {
    // regression: the lock used to be released just after run() returned, so whoever opened the
    // directory next (another pipeline, a tool) could find it "in use"
    Path checkpoints = dir.resolve("checkpoints");
    for (int i = 0; i < 50; i++) {
      Pipeline.from(GeneratorSource.sequence().count(10).build())
          .to(new CollectingSink<>())
          .checkpointDirectory(checkpoints)
          .build()
          .run();
      DirectoryCheckpointStore.open(checkpoints, 3).close();
    }
  }

  /**
   * Reads exactly {@link #RECORDS_PER_RUN} records, then stops gracefully (the final checkpoint
   * commits all of them). The generator is paced by a manual clock that only this method moves, so
   * how much is read depends on no machine's speed.
   */
  private void readThenStop(Path checkpoints, Path out, int parallelism) throws Exception {
    ManualTime time = new ManualTime();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Pipeline pipeline =
        builder(checkpoints, out, parallelism, RATE).time(time).metrics(registry).build();
    pipeline.start();
    // With no time passed nothing is read yet. Once a checkpoint completed, every reader holds
    // its splits (assigned before the first barrier), paced from the clock's start.
    Await.until(
        "a checkpoint at parallelism " + parallelism,
        Duration.ofSeconds(30),
        () -> pipeline.completedCheckpoints() >= 1);
    time.advance(PACED);
    Await.until(
        RECORDS_PER_RUN + " records read at parallelism " + parallelism,
        Duration.ofSeconds(30),
        () -> recordsIn(registry) == RECORDS_PER_RUN);
    pipeline.stop();
  }

  private static double recordsIn(SimpleMeterRegistry registry) {
    return registry.find("shardline.pipeline.records.in").functionCounters().stream()
        .mapToDouble(FunctionCounter::count)
        .sum();
  }

  private static GeneratorSource<Long> source(double rate) {
    return GeneratorSource.sequence().count(COUNT).splits(6).ratePerSecond(rate).build();
  }

  private static PipelineBuilder<Long> builder(
      Path checkpoints, Path out, int parallelism, double rate) {
    return Pipeline.from(source(rate))
        .to(FileSink.lines(out).build())
        .name("rescale")
        .parallelism(parallelism)
        .checkpointInterval(Duration.ofMillis(50))
        .checkpointDirectory(checkpoints);
  }
}
