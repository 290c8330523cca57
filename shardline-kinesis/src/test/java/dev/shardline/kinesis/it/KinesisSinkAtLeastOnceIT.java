package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.kinesis.LocalKinesalite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At least once across crashes: a generator → Kinesis sink pipeline (parallelism 2, checkpoints
 * every 200 ms) in a child JVM is killed with SIGKILL twice, each time after a checkpoint of its
 * own and with records of its own in the stream, at a random moment after; a last run goes to the
 * end. Every generated record must be in the stream; the replays after the kills show up as
 * duplicates, counted and reported, and each key's records stay in order apart from them.
 */
class KinesisSinkAtLeastOnceIT {
  private static final String STREAM = "crash";
  private static final long COUNT = 30_000;
  private static final double RATE = 6_000;

  @TempDir Path dir;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killChildren() throws InterruptedException {
    for (Process child : children) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyGeneratedRecordIsInTheStreamDespiteTwoKills() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("KinesisSinkAtLeastOnceIT seed " + seed);
    try (LocalKinesalite kinesalite = LocalKinesalite.builder().initialStream(STREAM, 4).start()) {
      Path checkpoints = dir.resolve("checkpoints");
      for (int kill = 1; kill <= 2; kill++) {
        long restored = newestCheckpoint(checkpoints);
        int before = SinkTests.readAll(kinesalite.client(), STREAM).size();
        String name = "run-" + kill;
        Process child = startChild(kinesalite, checkpoints, name);
        Await.until(
            Duration.ofSeconds(60),
            () -> newestCheckpoint(checkpoints) > restored,
            () -> "no checkpoint; log: " + log(name));
        Await.until(
            Duration.ofSeconds(60),
            () -> SinkTests.readAll(kinesalite.client(), STREAM).size() > before,
            () -> "no records written; log: " + log(name));
        Thread.sleep(random.nextInt(400)); // a random moment: mid-request, mid-checkpoint
        assertThat(child.isAlive()).as("run %d alive when killed: %s", kill, log(name)).isTrue();
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(SinkTests.readAll(kinesalite.client(), STREAM))
          .as("the killed runs wrote part of the records")
          .isNotEmpty()
          .hasSizeLessThan((int) COUNT);

      Process last = startChild(kinesalite, checkpoints, "last");
      assertThat(last.waitFor(120, TimeUnit.SECONDS))
          .as("the last run ends: %s", log("last"))
          .isTrue();
      assertThat(last.exitValue()).as("exit code: %s", log("last")).isZero();

      List<SinkTests.Read> read = SinkTests.readAll(kinesalite.client(), STREAM);
      BitSet seen = new BitSet((int) COUNT);
      int duplicates = 0;
      Map<String, Long> lastOfKey = new HashMap<>();
      int outOfOrder = 0;
      for (SinkTests.Read record : read) {
        String json = new String(record.data(), UTF_8);
        long seq = KinesisSinkKillTestMain.seqOf(json);
        assertThat(record.partitionKey()).isEqualTo(KinesisSinkKillTestMain.keyOf(json));
        if (seen.get((int) seq)) {
          duplicates++;
        } else {
          seen.set((int) seq);
          long previous = lastOfKey.getOrDefault(record.partitionKey(), -1L);
          if (seq < previous) {
            outOfOrder++;
          }
          lastOfKey.put(record.partitionKey(), seq);
        }
      }
      System.out.printf(
          "KinesisSinkAtLeastOnceIT: %d records generated, %d read back, %d duplicates%n",
          COUNT, read.size(), duplicates);
      assertThat(seen.cardinality()).as("every generated record").isEqualTo((int) COUNT);
      assertThat(outOfOrder).as("first copies out of per-key order").isZero();
    }
  }

  private Process startChild(LocalKinesalite kinesalite, Path checkpoints, String name)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
            java.toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            KinesisSinkKillTestMain.class.getName(),
            kinesalite.endpoint().toString(),
            STREAM,
            checkpoints.toString(),
            Long.toString(COUNT),
            Double.toString(RATE));
    builder.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    Process child = builder.start();
    children.add(child);
    return child;
  }

  private static long newestCheckpoint(Path checkpoints) {
    if (!Files.isDirectory(checkpoints)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(checkpoints)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("checkpoint-\\d{20}\\.ckpt"))
          .mapToLong(n -> Long.parseLong(n.substring(11, 31)))
          .max()
          .orElse(0);
    } catch (IOException e) {
      return 0;
    }
  }

  private String log(String name) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
