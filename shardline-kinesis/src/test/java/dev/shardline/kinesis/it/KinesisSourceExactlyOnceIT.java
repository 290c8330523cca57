package dev.shardline.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.kinesis.LocalKinesalite;
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
import java.util.concurrent.TimeUnit;
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
  void everyRecordIsCommittedExactlyOnceDespiteThreeKills() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("KinesisSourceExactlyOnceIT seed " + seed);
    try (LocalKinesalite kinesalite = LocalKinesalite.builder().initialStream(STREAM, 4).start()) {
      fill(kinesalite.client());
      Path checkpoints = dir.resolve("checkpoints");
      Path output = dir.resolve("out");

      for (int kill = 1; kill <= 3; kill++) {
        long restored = newestCheckpoint(checkpoints);
        int before = committedCount(output);
        String name = "run-" + kill;
        Process child = startChild(kinesalite, checkpoints, output, name);
        awaitCheckpointAfter(restored, checkpoints, child, name);
        // every run makes progress: it committed records of its own before it is killed
        Await.until(
            Duration.ofSeconds(60),
            () -> committedCount(output) > before,
            () -> "no records committed; log: " + log(name));
        Thread.sleep(random.nextInt(500));
        assertThat(child.isAlive()).as("run %d alive when killed", kill).isTrue();
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(committedValues(output))
          .as("the killed runs committed part of the output")
          .isNotEmpty()
          .hasSizeLessThan(COUNT);

      Process last = startChild(kinesalite, checkpoints, output, "last");
      Await.until(
          Duration.ofSeconds(120),
          () -> committedCount(output) >= COUNT || !last.isAlive(),
          () -> committedCount(output) + " of " + COUNT + " committed; log: " + log("last"));
      last.destroy(); // SIGTERM: a final checkpoint, then exit
      assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();

      List<Integer> values = committedValues(output);
      assertThat(values).as("log: %s", log("last")).hasSize(COUNT).doesNotHaveDuplicates();
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

  private Process startChild(LocalKinesalite kinesalite, Path checkpoints, Path output, String name)
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
            KinesisKillTestMain.class.getName(),
            kinesalite.endpoint().toString(),
            STREAM,
            checkpoints.toString(),
            output.toString(),
            "2");
    builder.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    Process child = builder.start();
    children.add(child);
    return child;
  }

  private void awaitCheckpointAfter(long restored, Path checkpoints, Process child, String name)
      throws Exception {
    Await.until(
        Duration.ofSeconds(60),
        () -> {
          assertThat(child.isAlive()).as("child exited early: %s", log(name)).isTrue();
          return newestCheckpoint(checkpoints) > restored;
        },
        () -> "no new checkpoint; log: " + log(name));
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

  private String log(String name) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
