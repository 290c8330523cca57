package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.testkit.process.ChildJvm;
import dev.shardline.testkit.process.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
  private static final double RATE = 3_000; // 10 s for all: the killed runs cannot write everything
  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path dir;
  private final List<ChildProcess> children = new ArrayList<>();

  @AfterEach
  void killChildren() {
    children.forEach(ChildProcess::close);
  }

  @Test
  void everyGeneratedRecordIsInTheStreamDespiteTwoKills() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("KinesisSinkAtLeastOnceIT seed " + seed);
    try (LocalKinesalite kinesalite = LocalKinesalite.builder().initialStream(STREAM, 4).start()) {
      Path checkpoints = dir.resolve("checkpoints");
      for (int kill = 1; kill <= 2; kill++) {
        long restored = Checkpoints.newest(checkpoints);
        int before = SinkTests.readAll(kinesalite.client(), STREAM).size();
        String name = "run-" + kill;
        ChildProcess child = startChild(kinesalite, checkpoints, name);
        child.await(
            "a checkpoint",
            Duration.ofSeconds(60),
            POLL,
            () -> Checkpoints.newest(checkpoints) > restored);
        child.await(
            "records written",
            Duration.ofSeconds(60),
            POLL,
            () -> SinkTests.readAll(kinesalite.client(), STREAM).size() > before);
        Thread.sleep(random.nextInt(400)); // a random moment: mid-request, mid-checkpoint
        assertThat(child.isAlive())
            .as("run %d alive when killed: %s", kill, child.logTail())
            .isTrue();
        child.kill();
      }
      assertThat(SinkTests.readAll(kinesalite.client(), STREAM))
          .as("the killed runs wrote part of the records")
          .isNotEmpty()
          .hasSizeLessThan((int) COUNT);

      ChildProcess last = startChild(kinesalite, checkpoints, "last");
      assertThat(last.awaitExit(Duration.ofSeconds(120)))
          .as("exit code: %s", last.logTail())
          .isZero();

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

  private ChildProcess startChild(LocalKinesalite kinesalite, Path checkpoints, String name) {
    ChildProcess child =
        ChildJvm.builder(KinesisSinkKillTestMain.class)
            .arguments(
                kinesalite.endpoint().toString(),
                STREAM,
                checkpoints.toString(),
                Long.toString(COUNT),
                Double.toString(RATE))
            .name(name)
            .logFile(dir.resolve(name + ".log"))
            .start();
    children.add(child);
    return child;
  }
}
