package dev.shardline.dev;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.cli.ShardlineProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
          // the demo paces its source (~6 s for 3,000 events) and kills at 40% after a checkpoint
          .containsPattern(
              "Killed it \\(SIGKILL\\) mid-way, after it had read [0-9,]+ of 3,000 events")
          .contains("restoring checkpoint")
          .contains("Stopped the Kinesis server and the Kafka broker.");

      // run 1 was killed before it had read every event, its checkpoint covered some of them
      // (run 2 read fewer than all), and run 2 read the rest (with what run 1 read after that
      // checkpoint): together at least every event, delivered once (lost and duplicated 0 above)
      Matcher read =
          Pattern.compile(
                  "read: +[0-9,]+ records from Kinesis: ([0-9,]+) by run 1 until it was killed,"
                      + " ([0-9,]+) by run 2 from checkpoint ([0-9]+)")
              .matcher(output);
      assertThat(read.find()).as(output).isTrue();
      long firstRun = number(read.group(1));
      long secondRun = number(read.group(2));
      assertThat(firstRun).as("read by run 1 before the kill").isBetween(1L, 2_999L);
      assertThat(secondRun).as("read by run 2 after the restore").isBetween(1L, 2_999L);
      assertThat(firstRun + secondRun).as("read by both runs").isGreaterThanOrEqualTo(3_000L);
      assertThat(Long.parseLong(read.group(3))).as("checkpoint restored").isNotNegative();
      assertThat(output)
          .contains(String.format(Locale.ROOT, "after it had read %,d of 3,000 events", firstRun));
      assertThat(demo.resolve("checkpoints/kinesis-to-kafka")).isDirectory();
      assertThat(demo.resolve("kinesis-to-kafka.yaml")).isRegularFile();
    }
  }

  private static long number(String text) {
    return Long.parseLong(text.replace(",", ""));
  }
}
