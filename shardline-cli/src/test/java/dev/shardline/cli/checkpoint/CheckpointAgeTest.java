package dev.shardline.cli.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.cli.connect.ConnectorRegistry;
import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.runtime.Pipeline;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30) // runs a pipeline
class CheckpointAgeTest {
  @TempDir Path dir;

  @Test
  void listAndShowTellEachCheckpointsAge() throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    Pipeline.from(GeneratorSource.sequence().count(100).build())
        .map(String::valueOf)
        .to(FileSink.lines(dir.resolve("out")).build())
        .name("aged")
        .checkpointDirectory(checkpoints)
        .build()
        .run();
    java.util.List<CheckpointInspector.Entry> entries =
        new CheckpointInspector(ConnectorRegistry.get()).list(checkpoints);
    CheckpointInspector.Entry newest = entries.get(entries.size() - 1);
    long written = newest.checkpoint().orElseThrow().timestampMillis();
    Clock later = Clock.fixed(Instant.ofEpochMilli(written + 75_000), ZoneOffset.UTC);
    CheckpointInspector inspector = new CheckpointInspector(ConnectorRegistry.get(), later);

    String listing = inspector.listing(checkpoints);
    String show = inspector.show(checkpoints, Optional.empty());

    assertThat(listing.lines().findFirst().orElseThrow()).contains(" AGE ");
    assertThat(listing).containsPattern("\\n" + newest.id() + " +\\S+ +75s +aged ");
    assertThat(show).contains("  time:        " + Instant.ofEpochMilli(written) + " (75s ago)\n");
    assertThat(
            new CheckpointInspector(
                    ConnectorRegistry.get(),
                    Clock.fixed(Instant.ofEpochMilli(written + 3 * 3_600_000), ZoneOffset.UTC))
                .show(checkpoints, Optional.empty()))
        .contains("(3h ago)");
  }
}
