package dev.shardline.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.order.KeyedCounters;
import dev.shardline.testkit.process.ChildJvm;
import dev.shardline.testkit.process.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Exactly once and in key order across crashes, reading with enhanced fan-out: about 3,500 records
 * of 40 keyed counters on a 3-shard kinesis-local stream (2,000 written before the first run, the
 * rest while the killed runs go on), read by a pipeline (fan-out source over HTTP/1.1 →
 * exactly-once file sink) in a child JVM that is killed with SIGKILL three times, each time after a
 * checkpoint of its own and records committed of its own, at a random moment after them; then run
 * until every record is committed and stopped with SIGTERM. Each restart subscribes to the shards
 * the killed run had subscribed to (while kinesis-local still holds a killed run's subscription it
 * answers ResourceInUseException, which the reader backs off). The committed parts, in checkpoint
 * order, hold each key's counters 0, 1, 2, ... once.
 */
@Timeout(180)
class KinesisFanOutKillIT {
  private static final String STREAM = "fanout-kill";
  private static final String CONSUMER = "kill-consumer";
  private static final int KEYS = 40;
  // one record per key a round: 2,000 before the first run, then a round every 350 ms until the
  // third kill (about 3,500 records in all here), at most 6,000
  private static final int ROUNDS_BEFORE = 50;
  private static final int MAX_ROUNDS = 150;
  private static final Duration ROUND_PAUSE = Duration.ofMillis(350);
  private static final Duration POLL = Duration.ofMillis(20);
  private static final Pattern PART = Pattern.compile("part-.*-(\\d{5,})-(\\d{20})\\.txt");

  // kept when the test fails: the runs' logs are in it
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final List<ChildProcess> children = new ArrayList<>();

  @AfterEach
  void killChildren() {
    children.forEach(ChildProcess::close);
  }

  @Test
  void everyRecordIsCommittedOnceInKeyOrderDespiteThreeKillsOfAFanOutReader() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("KinesisFanOutKillIT seed " + seed);
    try (LocalKinesis kinesis = LocalKinesis.builder().initialStream(STREAM, 3).start()) {
      KinesisClient client = kinesis.client();
      FanOutStreams.registerActive(client, STREAM, CONSUMER);
      AtomicInteger rounds = new AtomicInteger();
      for (int round = 0; round < ROUNDS_BEFORE; round++) {
        FanOutStreams.putRound(client, STREAM, KEYS, rounds.getAndIncrement());
      }
      Path checkpoints = dir.resolve("checkpoints");
      Path output = dir.resolve("out");

      // written until the third kill, so that every killed run has records of its own to read
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicReference<Throwable> writeFailure = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  while (writing.get() && rounds.get() < MAX_ROUNDS) {
                    FanOutStreams.putRound(client, STREAM, KEYS, rounds.getAndIncrement());
                    Thread.sleep(ROUND_PAUSE.toMillis());
                  }
                } catch (Throwable t) {
                  writeFailure.set(t);
                }
              },
              "kinesis-writer");
      writer.start();
      int count;
      try {
        for (int kill = 1; kill <= 3; kill++) {
          long restored = Checkpoints.newest(checkpoints);
          int before = committedCount(output);
          ChildProcess child = startChild(kinesis, checkpoints, output, "run-" + kill);
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
          Thread.sleep(random.nextInt(1_000));
          assertThat(child.isAlive()).as("run %d alive when killed", kill).isTrue();
          child.kill();
          System.out.printf(
              "KinesisFanOutKillIT: run %d killed with %d committed, %d written%n",
              kill, committedCount(output), rounds.get() * KEYS);
        }
      } finally {
        writing.set(false);
        writer.join(30_000);
      }
      assertThat(writeFailure.get()).as("the writer's failure").isNull();
      // written while no run is up: the last run always has records of its own to read
      FanOutStreams.putRound(client, STREAM, KEYS, rounds.getAndIncrement());
      count = rounds.get() * KEYS;
      assertThat(committedCount(output))
          .as("the killed runs committed part of the output")
          .isPositive()
          .isLessThan(count);

      ChildProcess last = startChild(kinesis, checkpoints, output, "last");
      Await.until(
          Duration.ofSeconds(90),
          () -> committedCount(output) >= count || !last.isAlive(),
          () -> committedCount(output) + " of " + count + " committed; log: " + last.logTail());
      last.terminate(Duration.ofSeconds(30)); // SIGTERM: a final checkpoint, then exit

      List<String> values = committedInCheckpointOrder(output);
      KeyedCounters read = KeyedCounters.check(values);
      assertThat(read.violations())
          .as("records committed twice, out of key order or skipped")
          .isEmpty();
      assertThat(values).hasSize(count);
      for (int k = 0; k < KEYS; k++) {
        assertThat(read.nextCounter("key-" + k))
            .as("key-%d read to its end", k)
            .isEqualTo(rounds.get());
      }
      assertThat(inProgressParts(output)).isEmpty();
    }
  }

  private ChildProcess startChild(
      LocalKinesis kinesis, Path checkpoints, Path output, String name) {
    ChildProcess child =
        ChildJvm.builder(KinesisKillTestMain.class)
            .arguments(
                kinesis.endpoint().toString(),
                STREAM,
                checkpoints.toString(),
                output.toString(),
                "2",
                CONSUMER)
            .systemProperty(
                "org.slf4j.simpleLogger.log.dev.shardline.kinesis.source.reader", "debug")
            .systemProperty("org.slf4j.simpleLogger.showDateTime", "true")
            .name(name)
            .logFile(dir.resolve(name + ".log"))
            .start();
    children.add(child);
    return child;
  }

  private static int committedCount(Path output) {
    try {
      return committedInCheckpointOrder(output).size();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * The committed lines, part by part in checkpoint order (then writer): each key is read by one
   * reader at a time, so this is each key's order as read.
   */
  private static List<String> committedInCheckpointOrder(Path output) throws IOException {
    List<String> values = new ArrayList<>();
    if (!Files.isDirectory(output)) {
      return values;
    }
    List<Path> parts;
    try (Stream<Path> files = Files.list(output)) {
      parts =
          files
              .filter(p -> PART.matcher(p.getFileName().toString()).matches())
              .sorted(Comparator.comparing((Path p) -> group(p, 2)).thenComparing(p -> group(p, 1)))
              .toList();
    }
    for (Path part : parts) {
      values.addAll(Files.readAllLines(part, StandardCharsets.UTF_8));
    }
    return values;
  }

  private static String group(Path part, int group) {
    Matcher m = PART.matcher(part.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException(part.toString());
    }
    return m.group(group);
  }

  private static List<Path> inProgressParts(Path output) throws IOException {
    try (Stream<Path> files = Files.list(output)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".inprogress")).toList();
    }
  }
}
