package dev.shardline.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.junit.LocalKafkaExtension;
import dev.shardline.testkit.kafka.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety end to end on a real broker: a Kafka → Kafka exactly-once pipeline (and a Kafka →
 * exactly-once file pipeline) in a child JVM is killed with SIGKILL at random moments (each after
 * it completed a checkpoint of its own, so every run made progress), then run until all input is in
 * the output, then stopped with SIGTERM. A read_committed consumer must see every input record
 * exactly once, in the order of its input partition.
 */
class KafkaExactlyOnceKillIT {
  @RegisterExtension static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

  private static final int PARTITIONS = 6;
  private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private ChildJvms children;

  @BeforeEach
  void setUp() {
    children = new ChildJvms(dir);
  }

  @AfterEach
  void killEveryChild() {
    children.close();
  }

  @Test
  void kafkaToKafkaDeliversEveryRecordExactlyOnceInPartitionOrderDespiteThreeKills(LocalKafka kafka)
      throws Exception {
    int count = 200_000;
    kafka.createTopic("eo-in", PARTITIONS);
    kafka.createTopic("eo-out", PARTITIONS);
    produceInput(kafka, "eo-in", count);
    Path checkpoints = dir.resolve("checkpoints");

    killThreeTimes(
        kafka, "eo-in", "kafka:eo-out", checkpoints, 25_000, () -> committedEnd(kafka, "eo-out"));

    Process last = startChild(kafka, "eo-in", "kafka:eo-out", checkpoints, "last", 50_000);
    awaitCommitted(kafka, "eo-out", count, last, "last");
    last.destroy(); // SIGTERM: a graceful stop with a final checkpoint
    assertThat(last.waitFor(60, TimeUnit.SECONDS)).as(children.log("last")).isTrue();
    assertThat(children.log("last")).contains("taking a final checkpoint");

    // the crashes left transactions open, and the next runs aborted them
    String logs = children.log("run-kafka-2") + children.log("run-kafka-3") + children.log("last");
    assertThat(logs)
        .contains("restoring checkpoint")
        .contains("left open by a writer that stopped");

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
        kafka, "file-in", "file:" + out, checkpoints, 10_000, () -> committedLines(out).size());

    Process last = startChild(kafka, "file-in", "file:" + out, checkpoints, "last-file", 50_000);
    long deadline = System.nanoTime() + PROGRESS_TIMEOUT.toNanos();
    while (committedLines(out).size() < count) {
      assertThat(last.isAlive()).as(children.log("last-file")).isTrue();
      assertThat(System.nanoTime()).as(children.log("last-file")).isLessThan(deadline);
      Thread.sleep(50);
    }
    last.destroy();
    assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();

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

  /**
   * Three runs, each killed with SIGKILL at a random moment after it committed output of its own
   * (so every run made progress, and the kill lands mid-batch, mid-checkpoint or mid-commit).
   */
  private void killThreeTimes(
      LocalKafka kafka,
      String input,
      String output,
      Path checkpoints,
      double rate,
      Progress progress)
      throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("KafkaExactlyOnceKillIT " + output + " seed " + seed);
    for (int kill = 1; kill <= 3; kill++) {
      long before = progress.get();
      String name = "run-" + output.substring(0, output.indexOf(':')) + "-" + kill;
      Process child = startChild(kafka, input, output, checkpoints, name, rate);
      long deadline = System.nanoTime() + PROGRESS_TIMEOUT.toNanos();
      while (progress.get() <= before) {
        assertThat(child.isAlive()).as("run %d exited: %s", kill, children.log(name)).isTrue();
        assertThat(System.nanoTime())
            .as("run %d committed nothing: %s", kill, children.log(name))
            .isLessThan(deadline);
        Thread.sleep(20);
      }
      Thread.sleep(random.nextInt(800));
      assertThat(child.isAlive()).as("run %d still running: %s", kill, children.log(name)).isTrue();
      ChildJvms.kill(child);
    }
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

  private Process startChild(
      LocalKafka kafka, String input, String output, Path checkpoints, String name, double rate)
      throws Exception {
    return children.start(
        name,
        KafkaKillTestPipelineMain.class,
        kafka.bootstrapServers(),
        input,
        output,
        checkpoints.toString(),
        "2",
        Double.toString(rate),
        "250");
  }

  private static String key(int i) {
    return "key-" + (i % 1000);
  }

  private static void produceInput(LocalKafka kafka, String topic, int count) throws Exception {
    KafkaTestData.produce(
        kafka, topic, count, i -> KafkaTestData.text(topic, key(i), Integer.toString(i)));
  }

  private void awaitCommitted(LocalKafka kafka, String topic, int count, Process child, String name)
      throws Exception {
    long deadline = System.nanoTime() + PROGRESS_TIMEOUT.toNanos();
    while (true) {
      int committed =
          KafkaTestData.readAll(kafka, topic, true).values().stream().mapToInt(List::size).sum();
      if (committed >= count) {
        return;
      }
      assertThat(child.isAlive()).as(children.log(name)).isTrue();
      assertThat(System.nanoTime())
          .as("committed %d of %d: %s", committed, count, children.log(name))
          .isLessThan(deadline);
      Thread.sleep(500);
    }
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
