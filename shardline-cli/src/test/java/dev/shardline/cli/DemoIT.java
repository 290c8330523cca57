package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./shardline demo} as a newcomer runs it, in a fresh folder. */
class DemoIT {
  @TempDir Path dir;

  @Test
  void theDemoLosesAndDuplicatesNothingAcrossItsCrash() throws Exception {
    Path demo = dir.resolve("demo");
    try (ShardlineProcess run =
        ShardlineProcess.start(dir, Map.of(), "demo", "--dir", demo.toString())) {
      int exit = run.awaitExit(Duration.ofMinutes(6));
      String output = run.output();

      assertThat(exit).as(output).isZero();
      assertThat(output)
          .containsPattern("written: +3,000 events into Kinesis")
          .containsPattern("delivered: +3,000 distinct events in Kafka")
          .containsPattern("lost: +0\n")
          .containsPattern("duplicated: +0\n")
          // mid-way or not is a race between the first checkpoint and the last GetRecords (the
          // demo waits for both 40% read and a checkpoint, and reads 3,000 events in ~1.2 s at
          // full speed): the demo says which, and either way the restart must restore
          .containsPattern(
              "Killed it \\(SIGKILL\\) (mid-way, )?after it had read [0-9,]+ of 3,000 events")
          .contains("restoring checkpoint")
          .contains("Stopped the Kinesis server and the Kafka broker.");
      assertThat(demo.resolve("checkpoints/kinesis-to-kafka")).isDirectory();
      assertThat(demo.resolve("kinesis-to-kafka.yaml")).isRegularFile();
    }
  }
}
