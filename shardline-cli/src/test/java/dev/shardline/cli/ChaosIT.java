package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.bench.chaos.ChaosOptions;
import dev.shardline.bench.chaos.ChaosReport;
import dev.shardline.bench.chaos.ChaosRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 1-minute form of the chaos run of {@code shardline-bench} ({@link ChaosOptions#oneMinute}): a
 * Kinesis → Kafka (exactly-once) and a Kinesis → file pipeline run with this module's jar under the
 * read quota, with resharding (split, merge, UpdateShardCount), kill -9 at random moments, a
 * parallelism change at every restart and a Kafka broker restart; then nothing may be lost,
 * duplicated, or delivered out of order per key. It lives here, not in {@code shardline-bench},
 * because it runs {@code target/shardline.jar}, which this module packages before its integration
 * tests.
 *
 * <p>The seed is fixed so that every build makes the same choices; {@code -Dchaos.seed=N} tries
 * another. The report (the event log and the summary table) is on standard output and in the
 * assertion message; the work directory (pipeline files, run logs, checkpoints, part files) is kept
 * when the test fails.
 */
class ChaosIT {
  private static final long DEFAULT_SEED = 10;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aMinuteOfKillsReshardingAndABrokerRestartLosesDuplicatesAndReordersNothing()
      throws Exception {
    Path jar = Path.of(System.getProperty("shardline.jar", "target/shardline.jar"));
    long seed = Long.getLong("chaos.seed", DEFAULT_SEED);

    ChaosReport report = new ChaosRun(ChaosOptions.oneMinute(seed, jar, dir), System.out).run();

    assertThat(report.failures()).as(report.render()).isEmpty();
    assertThat(report.pipelines()).containsExactly("kafka", "file");
  }
}
