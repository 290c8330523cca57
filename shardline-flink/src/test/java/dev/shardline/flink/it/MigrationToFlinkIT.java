package dev.shardline.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.flink.FlinkSink;
import dev.shardline.flink.FlinkSource;
import dev.shardline.runtime.Pipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving a running pipeline from the embedded runner to Flink: the embedded pipeline is stopped
 * (its final checkpoint), and a Flink job at another parallelism started from that checkpoint
 * directory reads exactly the rest: the output of both holds every record once.
 */
class MigrationToFlinkIT {
  private static final int RECORDS = 12_000;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(3)
              .build());

  @TempDir Path dir;

  private static GeneratorSource<Long> source() {
    return GeneratorSource.sequence().count(RECORDS).ratePerSecond(4_000).splits(6).build();
  }

  @Test
  void aFlinkJobStartedFromAnEmbeddedCheckpointReadsExactlyTheRest() throws Exception {
    Path output = dir.resolve("out");
    Path checkpoints = dir.resolve("checkpoints");
    Pipeline embedded =
        Pipeline.from(source())
            .map(String::valueOf)
            .to(FileSink.lines(output).build())
            .name("migrate")
            .parallelism(2)
            .checkpointInterval(Duration.ofMillis(300))
            .checkpointDirectory(checkpoints)
            .build();
    embedded.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (FlinkJobs.committedLines(output).size() < 3_000 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    } finally {
      embedded.stop();
    }
    int embeddedLines = FlinkJobs.committedLines(output).size();
    assertThat(embeddedLines).isBetween(3_000, RECORDS - 1);

    StreamExecutionEnvironment env = FlinkJobs.environment(3, 300, null);
    env.fromSource(
            FlinkSource.of(source()).startingFromCheckpoint(checkpoints),
            WatermarkStrategy.noWatermarks(),
            "generator")
        .uid("generator")
        .map(String::valueOf)
        // another pipeline name than the embedded one: Flink numbers its checkpoints from 1 again
        .sinkTo(FlinkSink.<String>of(FileSink.lines(output).build()).pipelineName("migrate-flink"))
        .uid("file");
    env.execute("migrated");

    List<String> lines = FlinkJobs.committedLines(output);
    assertThat(lines).hasSize(RECORDS).doesNotHaveDuplicates();
    Set<Long> numbers = new TreeSet<>(lines.stream().map(Long::parseLong).toList());
    assertThat(numbers).hasSize(RECORDS).contains(0L, (long) RECORDS - 1);
  }
}
