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
          .contains("Killed it (SIGKILL) mid-way")
          .contains("restoring checkpoint")
          .contains("Stopped the Kinesis server and the Kafka broker.");
      assertThat(demo.resolve("checkpoints/kinesis-to-kafka")).isDirectory();
      assertThat(demo.resolve("kinesis-to-kafka.yaml")).isRegularFile();
    }
  }
}
