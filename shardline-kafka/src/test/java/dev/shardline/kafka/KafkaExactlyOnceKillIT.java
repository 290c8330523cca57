package dev.shardline.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.kafka.KafkaTestData;
import dev.shardline.testkit.kafka.LocalKafka;
import dev.shardline.testkit.process.ChildJvm;
import dev.shardline.testkit.process.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety end to end on a real broker: a Kafka → Kafka exactly-once pipeline (and a Kafka →
 * exactly-once file pipeline) in a child JVM is killed with SIGKILL at random moments (each after
 * it completed checkpoints and committed output of its own, so every run made progress), then run
 * until all input is in the output, then stopped with SIGTERM. A read_committed consumer must see
 * every input record exactly once, in the order of its input partition.
 */
class KafkaExactlyOnceKillIT {
  @RegisterExtension static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

  private static final int PARTITIONS = 6;
  private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(60);

  private static final Pattern CHECKPOINT_FILE = Pattern.compile("checkpoint-(\\d+)\\.ckpt");
  private static final Pattern RESTORED = Pattern.compile("restoring checkpoint (\\d+)");

  /** How many log lines assertion messages carry. */
  private static final int LOG_LINES = 60;

  @TempDir Path dir;
  private final Map<String, ChildProcess> children = new LinkedHashMap<>();

  @AfterEach
  void killEveryChild() {
    children.values().forEach(ChildProcess::close);
  }

  @Test
  void kafkaToKafkaDeliversEveryRecordExactlyOnceInPartitionOrderDespiteThreeKills(LocalKafka kafka)
      throws Exception {
    int count = 200_000;
    kafka.createTopic("eo-in", PARTITIONS);
    kafka.createTopic("eo-out", PARTITIONS);
    produceInput(kafka, "eo-in", count);
    Path checkpoints = dir.resolve("checkpoints");

    // the transactions each kill left open, as the broker lists them right after it
    List<Set<String>> openAfterKill = new ArrayList<>();
    killThreeTimes(
        kafka,
        "eo-in",
        "kafka:eo-out",
        checkpoints,
        25_000,
        () -> committedEnd(kafka, "eo-out"),
        () -> openAfterKill.add(openTransactions(kafka)));

    ChildProcess last = startChild(kafka, "eo-in", "kafka:eo-out", checkpoints, "last", 50_000);
    awaitCommitted(kafka, "eo-out", count, last);
    last.terminate(Duration.ofSeconds(60)); // SIGTERM: a graceful stop with a final checkpoint
    assertThat(log("last")).contains("taking a final checkpoint");

    // a transaction a kill left open past the checkpoint the next run restored was never part of a
    // durable checkpoint: the next run must abort it (by name), and nothing may stay open
    List<String> runs = List.of("run-kafka-2", "run-kafka-3", "last");
    for (int kill = 0; kill < 3; kill++) {
      String next = runs.get(kill);
      long restored = restoredCheckpoint(fullLog(next));
      for (String id : openAfterKill.get(kill)) {
        if (checkpointOf(id) > restored) {
          assertThat(fullLog(next))
              .as("run %s (restored checkpoint %d) aborts %s", next, restored, id)
              .contains("Aborting Kafka transaction " + id + ", left open by a writer");
        }
      }
    }
    System.out.println(
        "KafkaExactlyOnceKillIT transactions open after each kill: " + openAfterKill);
    assertThat(openTransactions(kafka)).as("transactions still open at the end").isEmpty();

    Map<Integer, List<ConsumerRecord<byte[], byte[]>>> input =
        KafkaTestData.readAll(kafka, "eo-in", false);
    Map<Integer, List<ConsumerRecord<byte[], byte[]>>> output =
        KafkaTestData.readAll(kafka, "eo-out", true);
    assertThat(output.values().stream().mapToInt(List::size).sum()).isEqualTo(count);
    for (int p = 0; p < PARTITIONS; p++) {
      // same keys, same partitioner: output partition p holds exactly input partition p, in order
      assertThat(KafkaTestData.values(output.get(p)))
          .as("output partition %d", p)
          .containsExactlyElementsOf(KafkaTestData.values(input.get(p)));
    }
  }

  @Test
  void kafkaToExactlyOnceFileSinkWritesEveryRecordOnceDespiteKills(LocalKafka kafka)
      throws Exception {
    int count = 40_000;
    kafka.createTopic("file-in", PARTITIONS);
    produceInput(kafka, "file-in", count);
    Path checkpoints = dir.resolve("file-checkpoints");
    Path out = dir.resolve("out");

    killThreeTimes(
        kafka,
        "file-in",
        "file:" + out,
        checkpoints,
        10_000,
        () -> committedLines(out).size(),
        () -> {});

    ChildProcess last =
        startChild(kafka, "file-in", "file:" + out, checkpoints, "last-file", 50_000);
    last.await(
        "all " + count + " lines committed",
        PROGRESS_TIMEOUT,
        Duration.ofMillis(50),
        () -> committedLines(out).size() >= count);
    last.terminate(Duration.ofSeconds(60));

    List<String> lines = committedLines(out);
    assertThat(lines).hasSize(count).doesNotHaveDuplicates();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(key(i) + " " + i);
    }
    assertThat(lines).containsExactlyInAnyOrderElementsOf(expected);
  }

  /** Something that grows when the pipeline commits output. */
  @FunctionalInterface
  private interface Progress {
    long get() throws Exception;
  }

  /** What a test looks at right after each kill. */
  @FunctionalInterface
  private interface AfterKill {
    void run() throws Exception;
  }

  /**
   * Three runs, each killed with SIGKILL at a random moment after it completed two checkpoints and
   * committed output of its own (so every run made progress with its own writers: output committed
   * at restore, from the run before, does not count), and the kill lands mid-batch, mid-checkpoint
   * or mid-commit.
   */
  private void killThreeTimes(
      LocalKafka kafka,
      String input,
      String output,
      Path checkpoints,
      double rate,
      Progress progress,
      AfterKill afterKill)
      throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("KafkaExactlyOnceKillIT " + output + " seed " + seed);
    for (int kill = 1; kill <= 3; kill++) {
      long before = progress.get();
      long checkpointBefore = newestCheckpoint(checkpoints);
      String name = "run-" + output.substring(0, output.indexOf(':')) + "-" + kill;
      ChildProcess child = startChild(kafka, input, output, checkpoints, name, rate);
      child.await(
          "run " + kill + " to take two checkpoints and commit output",
          PROGRESS_TIMEOUT,
          Duration.ofMillis(20),
          () -> newestCheckpoint(checkpoints) >= checkpointBefore + 2 && progress.get() > before);
      Thread.sleep(random.nextInt(800));
      assertThat(child.isAlive()).as("run %d still running: %s", kill, log(name)).isTrue();
      child.kill();
      afterKill.run();
    }
  }

  /** The id of the newest checkpoint in the directory, 0 if none. */
  private static long newestCheckpoint(Path checkpoints) throws Exception {
    if (!Files.isDirectory(checkpoints)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(checkpoints)) {
      return files
          .map(f -> CHECKPOINT_FILE.matcher(f.getFileName().toString()))
          .filter(Matcher::matches)
          .mapToLong(m -> Long.parseLong(m.group(1)))
          .max()
          .orElse(0);
    }
  }

  /** The ongoing transactions on the broker (only this test's sink makes any). */
  private static Set<String> openTransactions(LocalKafka kafka) throws Exception {
    Set<String> open = new TreeSet<>();
    for (TransactionListing listing :
        kafka
            .adminClient()
            .listTransactions(
                new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
            .all()
            .get(30, TimeUnit.SECONDS)) {
      open.add(listing.transactionalId());
    }
    return open;
  }

  /** The checkpoint of a transactional id {@code <prefix>-<writer>-<checkpoint>}. */
  private static long checkpointOf(String transactionalId) {
    return Long.parseLong(transactionalId.substring(transactionalId.lastIndexOf('-') + 1));
  }

  /** The checkpoint a run's log says it restored. */
  private static long restoredCheckpoint(String log) {
    Matcher m = RESTORED.matcher(log);
    assertThat(m.find()).as("a restore in %s", log).isTrue();
    return Long.parseLong(m.group(1));
  }

  private String fullLog(String name) throws Exception {
    return Files.readString(dir.resolve(name + ".log"), UTF_8);
  }

  /** The sum of the topic's last stable offsets: grows when transactions commit. */
  private static long committedEnd(LocalKafka kafka, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    return kafka
        .adminClient()
        .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
        .all()
        .get(30, TimeUnit.SECONDS)
        .values()
        .stream()
        .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
        .sum();
  }

  private ChildProcess startChild(
      LocalKafka kafka, String input, String output, Path checkpoints, String name, double rate) {
    ChildProcess child =
        ChildJvm.builder(KafkaKillTestPipelineMain.class)
            .systemProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn")
            .arguments(
                kafka.bootstrapServers(),
                input,
                output,
                checkpoints.toString(),
                "2",
                Double.toString(rate),
                "250")
            .name(name)
            .logFile(dir.resolve(name + ".log"))
            .start();
    children.put(name, child);
    return child;
  }

  /** The last lines of the log of the child called {@code name}. */
  private String log(String name) {
    return children.get(name).logTail(LOG_LINES);
  }

  private static String key(int i) {
    return "key-" + (i % 1000);
  }

  private static void produceInput(LocalKafka kafka, String topic, int count) throws Exception {
    KafkaTestData.produce(
        kafka, topic, count, i -> KafkaTestData.text(topic, key(i), Integer.toString(i)));
  }

  private static void awaitCommitted(LocalKafka kafka, String topic, int count, ChildProcess child)
      throws Exception {
    child.await(
        "all " + count + " records committed in " + topic,
        PROGRESS_TIMEOUT,
        Duration.ofMillis(500),
        () ->
            KafkaTestData.readAll(kafka, topic, true).values().stream().mapToInt(List::size).sum()
                >= count);
  }

  private static List<String> committedLines(Path out) throws Exception {
    List<String> lines = new ArrayList<>();
    if (!Files.isDirectory(out)) {
      return lines;
    }
    try (Stream<Path> files = Files.list(out)) {
      for (Path file : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        lines.addAll(Files.readAllLines(file, UTF_8));
      }
    }
    return lines;
  }
}
