package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.runtime.checkpoint.DirectoryCheckpointStore;
import dev.shardline.testkit.process.ChildJvm;
import dev.shardline.testkit.process.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crash safety end to end: a generator → file sink pipeline in a child JVM is killed with SIGKILL
 * at three random moments (each after it completed a checkpoint of its own, so every run made
 * progress), then stopped with SIGTERM, then run to the end; every generated record must be in the
 * committed files exactly once, and no in-progress file may remain.
 *
 * <p>The killed and stopped runs are paced, with a count too large for them ever to reach, so how
 * much they read depends only on when they are killed. The last run gets a count just past what
 * they committed and goes unpaced to its end; neither count nor rate is part of the source's
 * identity, so it restores their checkpoint.
 */
@Timeout(300) // every wait below is bounded; this bounds the sum
class KillAndRestoreIT {
  /** The count of the killed and stopped runs: more than they can read before they are ended. */
  private static final long UNREACHED_COUNT = 1_000_000_000_000L;

  private static final double RATE = 10_000;

  /** How many records the last run has past the highest one committed before it. */
  private static final long LAST_RUN_RECORDS = 20_000;

  private static final long INTERVAL_MILLIS = 150;
  private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LINE =
      Pattern.compile("\\{\"seq\":(\\d+),\"key\":\"key-(\\d+)\",\"payload\":\"([a-z]*)\"}");

  @TempDir Path dir;
  private final List<ChildProcess> children = new ArrayList<>();

  @AfterEach
  void killEveryChild() {
    children.forEach(ChildProcess::close);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void everyRecordIsCommittedExactlyOnceDespiteKills(int parallelism) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("KillAndRestoreIT parallelism " + parallelism + " seed " + seed);
    Path checkpoints = dir.resolve("checkpoints");
    Path output = dir.resolve("out");

    for (int kill = 1; kill <= 3; kill++) {
      long restored = newestCheckpoint(checkpoints);
      ChildProcess child =
          startChild(checkpoints, output, parallelism, UNREACHED_COUNT, RATE, "run-" + kill);
      awaitCheckpointAfter(restored, checkpoints, child);
      Thread.sleep(random.nextInt(600)); // a random moment: mid-batch, mid-checkpoint, mid-commit
      assertThat(child.isAlive())
          .as("run %d must still be running when killed (log: %s)", kill, child.logTail())
          .isTrue();
      child.kill();
    }
    assertThat(committedSequenceNumbers(output))
        .as("the killed runs committed part of the output")
        .isNotEmpty();

    // SIGTERM: a graceful stop commits everything written, so nothing is left in progress
    long restored = newestCheckpoint(checkpoints);
    ChildProcess stopped =
        startChild(checkpoints, output, parallelism, UNREACHED_COUNT, RATE, "sigterm");
    awaitCheckpointAfter(restored, checkpoints, stopped);
    stopped.terminate(Duration.ofSeconds(30));
    assertThat(CommittedFiles.inProgress(output)).as("in-progress parts after SIGTERM").isEmpty();
    assertThat(stopped.output()).contains("taking a final checkpoint");

    // the stop committed all it read, so each split's position is past the highest committed
    // record and no higher one was generated: a count above it ends every split there
    long count =
        committedSequenceNumbers(output).stream().mapToLong(Long::longValue).max().orElseThrow()
            + 1
            + LAST_RUN_RECORDS;
    ChildProcess last = startChild(checkpoints, output, parallelism, count, 0, "last");
    assertThat(last.awaitExit(Duration.ofSeconds(60)))
        .as("exit code of the last run: %s", last.logTail())
        .isZero();

    // every record any run generated, 0 to count - 1, exactly once
    List<Long> committed = committedSequenceNumbers(output);
    assertThat(committed).hasSize((int) count).doesNotHaveDuplicates();
    assertThat(committed.stream().mapToLong(Long::longValue).max().orElseThrow())
        .isEqualTo(count - 1);
    assertThat(CommittedFiles.inProgress(output)).isEmpty();
  }

  /**
   * Regression: after a kill, a corrupt newest checkpoint made the run fall back to the one before
   * and then reuse the corrupt one's id; the part file of that id was committed already, and every
   * later run failed with "... exists already. Another pipeline with the same name writes to ...".
   * Now ids are never reused and the parts the lost checkpoint committed are rolled back (their
   * records are read again), so the run ends with every record exactly once.
   */
  @Test
  void aCorruptNewestCheckpointAfterAKillNeitherWedgesNorDuplicates() throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    Path output = dir.resolve("out");
    long count = 4_000;
    ChildProcess killed = startChild(checkpoints, output, 2, count, 800, "killed");
    awaitCheckpointAfter(3, checkpoints, killed);
    // past the commit of the newest checkpoint's parts, so the fallback has output to roll back
    long newestId = newestCheckpoint(checkpoints);
    killed.await(
        "the parts of checkpoint " + newestId + " committed",
        PROGRESS_TIMEOUT,
        Duration.ofMillis(5),
        () -> committedPartOf(output, newestId));
    killed.kill();
    assertThat(committedSequenceNumbers(output)).as("committed before the kill").isNotEmpty();
    assertThat(committedSequenceNumbers(output))
        .as("the killed run did not finish")
        .hasSizeLessThan((int) count);

    Path newest =
        checkpoints.resolve(DirectoryCheckpointStore.fileName(newestCheckpoint(checkpoints)));
    byte[] bytes = Files.readAllBytes(newest);
    bytes[bytes.length / 2] ^= 0x5a;
    bytes[bytes.length / 2 + 1] ^= 0x5a;
    Files.write(newest, bytes);

    for (String run : List.of("after-corruption", "again")) {
      ChildProcess child = startChild(checkpoints, output, 2, count, 0, run);
      assertThat(child.awaitExit(Duration.ofSeconds(60)))
          .as("exit code of run '%s': %s", run, child.logTail())
          .isZero();
      List<Long> committed = committedSequenceNumbers(output);
      assertThat(committed).as("after run '%s'", run).hasSize((int) count).doesNotHaveDuplicates();
      assertThat(CommittedFiles.inProgress(output)).isEmpty();
    }
    assertThat(Files.exists(newest.resolveSibling(newest.getFileName() + ".corrupt")))
        .as("the corrupt checkpoint is kept aside")
        .isTrue();
  }

  /** A child running the pipeline; {@code rate} 0 for no pacing. */
  private ChildProcess startChild(
      Path checkpoints, Path output, int parallelism, long count, double rate, String name) {
    ChildProcess child =
        ChildJvm.builder(KillTestPipelineMain.class)
            .arguments(
                checkpoints.toString(),
                output.toString(),
                Integer.toString(parallelism),
                Long.toString(count),
                Double.toString(rate),
                Long.toString(INTERVAL_MILLIS))
            .name(name)
            .logFile(dir.resolve(name + ".log"))
            .start();
    children.add(child);
    return child;
  }

  /** Waits until the child completed a checkpoint newer than {@code restored}. */
  private static void awaitCheckpointAfter(long restored, Path checkpoints, ChildProcess child)
      throws Exception {
    child.await(
        "a checkpoint after " + restored,
        PROGRESS_TIMEOUT,
        Duration.ofMillis(5),
        () -> newestCheckpoint(checkpoints) > restored);
  }

  private static boolean committedPartOf(Path output, long checkpointId) throws IOException {
    String id = String.format("-%020d.", checkpointId);
    try (Stream<Path> files = Files.list(output)) {
      return files
          .map(p -> p.getFileName().toString())
          .anyMatch(n -> n.startsWith("part-") && n.contains(id));
    }
  }

  private static long newestCheckpoint(Path checkpoints) throws IOException {
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
    }
  }

  private static List<Long> committedSequenceNumbers(Path output) throws IOException {
    List<Long> seqs = new ArrayList<>();
    for (String line : CommittedFiles.lines(output)) {
      Matcher m = LINE.matcher(line);
      assertThat(m.matches()).as("committed line '%s'", line).isTrue();
      long seq = Long.parseLong(m.group(1));
      assertThat(Long.parseLong(m.group(2))).isEqualTo(seq % KillTestPipelineMain.KEYS);
      assertThat(m.group(3)).hasSize(KillTestPipelineMain.PAYLOAD_CHARS);
      seqs.add(seq);
    }
    return seqs;
  }

  static {
    // referenced so the checkpoint file name format stays in one place
    assert DirectoryCheckpointStore.fileName(1).equals("checkpoint-00000000000000000001.ckpt");
  }
}
