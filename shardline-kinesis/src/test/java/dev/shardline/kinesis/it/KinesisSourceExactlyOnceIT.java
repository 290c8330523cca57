package dev.shardline.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.testkit.process.ChildJvm;
import dev.shardline.testkit.process.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Exactly once across crashes: 100,000 records on a 4-shard kinesalite stream, read by a pipeline
 * (Kinesis source → exactly-once file sink) in a child JVM that is killed with SIGKILL three times
 * (each time after a checkpoint of its own, at a random moment after it), then run until every
 * record is committed and stopped with SIGTERM: each record is in the output exactly once.
 */
class KinesisSourceExactlyOnceIT {
  private static final String STREAM = "volume";
  private static final int COUNT = 100_000;
  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path dir;
  private final List<ChildProcess> children = new ArrayList<>();

  @AfterEach
  void killChildren() {
    children.forEach(ChildProcess::close);
  }

  @Test
  void everyRecordIsCommittedExactlyOnceDespiteThreeKills() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("KinesisSourceExactlyOnceIT seed " + seed);
    try (LocalKinesalite kinesalite = LocalKinesalite.builder().initialStream(STREAM, 4).start()) {
      fill(kinesalite.client());
      Path checkpoints = dir.resolve("checkpoints");
      Path output = dir.resolve("out");

      for (int kill = 1; kill <= 3; kill++) {
        long restored = Checkpoints.newest(checkpoints);
        int before = committedCount(output);
        ChildProcess child = startChild(kinesalite, checkpoints, output, "run-" + kill);
        child.await(
            "a new checkpoint",
            Duration.ofSeconds(60),
            POLL,
            () -> Checkpoints.newest(checkpoints) > restored);
        // every run makes progress: it committed records of its own before it is killed
        child.await(
            "records committed",
            Duration.ofSeconds(60),
            POLL,
            () -> committedCount(output) > before);
        Thread.sleep(random.nextInt(500));
        assertThat(child.isAlive()).as("run %d alive when killed", kill).isTrue();
        child.kill();
      }
      assertThat(committedValues(output))
          .as("the killed runs committed part of the output")
          .isNotEmpty()
          .hasSizeLessThan(COUNT);

      ChildProcess last = startChild(kinesalite, checkpoints, output, "last");
      Await.until(
          Duration.ofSeconds(120),
          () -> committedCount(output) >= COUNT || !last.isAlive(),
          () -> committedCount(output) + " of " + COUNT + " committed; log: " + last.logTail());
      last.terminate(Duration.ofSeconds(30)); // SIGTERM: a final checkpoint, then exit

      List<Integer> values = committedValues(output);
      assertThat(values).as("log: %s", last.logTail()).hasSize(COUNT).doesNotHaveDuplicates();
      assertThat(values).allSatisfy(v -> assertThat(v).isBetween(0, COUNT - 1));
      assertThat(inProgressParts(output)).isEmpty();
    }
  }

  private static void fill(KinesisClient client) throws Exception {
    ExecutorService writers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(
            writers.submit(
                () -> {
                  for (int start = thread * 500; start < COUNT; start += 4 * 500) {
                    List<PutRecordsRequestEntry> batch = new ArrayList<>();
                    for (int i = start; i < Math.min(COUNT, start + 500); i++) {
                      batch.add(
                          PutRecordsRequestEntry.builder()
                              .partitionKey("k" + i)
                              .data(SdkBytes.fromUtf8String(Integer.toString(i)))
                              .build());
                    }
                    PutRecordsResponse response =
                        client.putRecords(b -> b.streamName(STREAM).records(batch));
                    if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
                      throw new IllegalStateException(response.failedRecordCount() + " failed");
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      writers.shutdownNow();
    }
  }

  private ChildProcess startChild(
      LocalKinesalite kinesalite, Path checkpoints, Path output, String name) {
    ChildProcess child =
        ChildJvm.builder(KinesisKillTestMain.class)
            .arguments(
                kinesalite.endpoint().toString(),
                STREAM,
                checkpoints.toString(),
                output.toString(),
                "2")
            .name(name)
            .logFile(dir.resolve(name + ".log"))
            .start();
    children.add(child);
    return child;
  }

  private static int committedCount(Path output) {
    try {
      return committedValues(output).size();
    } catch (IOException e) {
      return 0;
    }
  }

  private static List<Integer> committedValues(Path output) throws IOException {
    List<Integer> values = new ArrayList<>();
    if (!Files.isDirectory(output)) {
      return values;
    }
    try (Stream<Path> files = Files.list(output)) {
      for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
          values.add(Integer.parseInt(line));
        }
      }
    }
    return values;
  }

  private static List<Path> inProgressParts(Path output) throws IOException {
    try (Stream<Path> files = Files.list(output)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".inprogress")).toList();
    }
  }
}
