package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.runtime.checkpoint.Checkpoint;
import dev.shardline.runtime.checkpoint.DirectoryCheckpointStore;
import dev.shardline.runtime.checkpoint.StateBlob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Splits the enumerator assigns while checkpoints are being taken are in exactly one place in each
 * checkpoint: the enumerator's state or one reader's (see the argument on {@code Execution}).
 */
@Timeout(60) // runs pipelines: a regression could keep one running
class SplitConsistencyTest {
  private static final int SPLITS = 240;
  private static final int RECORDS_PER_SPLIT = 20;
  private static final int SPLITS_PER_CHECKPOINT = 4;

  @TempDir Path dir;

  @Test
  void everyDiscoveredSplitIsInExactlyOnePlaceInEveryCheckpoint() throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    CollectingSink<String> sink = new CollectingSink<>();
    Pipeline.from(new DiscoveringSource(SPLITS, RECORDS_PER_SPLIT, SPLITS_PER_CHECKPOINT))
        .to(sink)
        .parallelism(3)
        .checkpointInterval(Duration.ofMillis(2))
        .checkpointDirectory(checkpoints)
        .retainedCheckpoints(100_000)
        .build()
        .run();

    DiscoveringSource source =
        new DiscoveringSource(SPLITS, RECORDS_PER_SPLIT, SPLITS_PER_CHECKPOINT);
    int checked = 0;
    int withPendingAndAssigned = 0;
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(checkpoints, 100_000)) {
      for (Path file : store.files()) {
        Checkpoint checkpoint =
            dev.shardline.runtime.checkpoint.CheckpointFileFormat.decode(
                Files.readAllBytes(file), file);
        DiscoveringSource.State enumerator =
            checkpoint.enumeratorState().read(source.enumeratorStateSerializer());
        List<Integer> ids = new ArrayList<>();
        enumerator.unassigned().forEach(s -> ids.add(s.id()));
        int assigned = 0;
        for (int reader = 0; reader < checkpoint.parallelism(); reader++) {
          for (StateBlob blob : checkpoint.readerSplits().get(reader)) {
            DiscoveringSource.Split split = blob.read(source.splitSerializer());
            assertThat(split.id() % 3).isEqualTo(reader);
            ids.add(split.id());
            assigned++;
          }
        }
        assertThat(ids)
            .as("splits in checkpoint %d", checkpoint.id())
            .containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, enumerator.discovered()).boxed().toList());
        if (assigned > 0 && !enumerator.unassigned().isEmpty()) {
          withPendingAndAssigned++;
        }
        checked++;
      }
    }
    // set by the source, not by how many checkpoints the machine manages per second: discovery
    // runs ahead by SPLITS_PER_CHECKPOINT splits per completed checkpoint
    assertThat(checked).isGreaterThanOrEqualTo(SPLITS / SPLITS_PER_CHECKPOINT);
    // every split discovered after the first assignment is seen pending by a checkpoint, while
    // readers hold the splits assigned before it
    assertThat(withPendingAndAssigned).as("checkpoints catching splits both ways").isPositive();
    List<String> expected = new ArrayList<>();
    for (int id = 0; id < SPLITS; id++) {
      for (int pos = 0; pos < RECORDS_PER_SPLIT; pos++) {
        expected.add(id + ":" + pos);
      }
    }
    assertThat(sink.records()).containsExactlyInAnyOrderElementsOf(expected);
  }
}
