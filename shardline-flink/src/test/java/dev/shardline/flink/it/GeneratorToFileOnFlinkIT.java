package dev.shardline.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.flink.FlinkSink;
import dev.shardline.flink.FlinkSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in generator and exactly-once file sink on a Flink MiniCluster: a failure mid-run and
 * savepoints with changes of parallelism neither lose nor duplicate a record.
 */
class GeneratorToFileOnFlinkIT {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  /** Fails the job once, after this many records went through the map. */
  private static final AtomicBoolean FAILED = new AtomicBoolean();

  @TempDir Path output;
  @TempDir Path savepoints;

  @Test
  void aFailureMidRunNeitherLosesNorDuplicates() throws Exception {
    FAILED.set(false);
    StreamExecutionEnvironment env = FlinkJobs.environment(2, 200, null);
    GeneratorSource<Long> source =
        GeneratorSource.sequence().count(20_000).ratePerSecond(5_000).splits(4).build();
    env.fromSource(
            FlinkSource.of(source).producedType(Types.LONG),
            WatermarkStrategy.noWatermarks(),
            "generator")
        .uid("generator")
        .map(new FailOnce(7_000))
        .sinkTo(FlinkSink.<String>of(FileSink.lines(output).build()).pipelineName("gen-to-file"))
        .uid("file");

    env.execute("generator-to-file");

    List<String> lines = FlinkJobs.committedLines(output);
    assertThat(FAILED).as("the injected failure happened").isTrue();
    assertThat(lines).hasSize(20_000).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(lines.stream().map(Long::parseLong).toList())).first().isEqualTo(0L);
  }

  @Test
  void savepointsAtParallelismTwoThenThreeThenOneNeitherLoseNorDuplicate() throws Exception {
    String savepoint = null;
    for (int parallelism : new int[] {2, 3, 1}) {
      StreamExecutionEnvironment env = FlinkJobs.environment(parallelism, 200, savepoint);
      GeneratorSource<Long> source =
          GeneratorSource.sequence().ratePerSecond(3_000).splits(6).build();
      env.fromSource(FlinkSource.of(source), WatermarkStrategy.noWatermarks(), "generator")
          .uid("generator")
          .map(String::valueOf)
          .sinkTo(FlinkSink.<String>of(FileSink.lines(output).build()).pipelineName("rescaled"))
          .uid("file");
      JobClient job = env.executeAsync("rescaled-p" + parallelism);
      int before = FlinkJobs.committedLines(output).size();
      awaitMoreLines(before + 2_000);
      savepoint =
          job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
              .get(60, TimeUnit.SECONDS);
    }

    List<String> lines = FlinkJobs.committedLines(output);
    assertThat(lines).doesNotHaveDuplicates();
    // each of the 6 splits emits n, n + 6, n + 12, ...: what it emitted must be a prefix of that
    Map<Long, TreeSet<Long>> bySplit = new HashMap<>();
    for (String line : lines) {
      long n = Long.parseLong(line);
      bySplit.computeIfAbsent(n % 6, k -> new TreeSet<>()).add(n);
    }
    assertThat(bySplit).hasSize(6);
    bySplit.forEach(
        (split, numbers) ->
            assertThat(numbers.last())
                .as("split %d emitted a gap-free prefix", split)
                .isEqualTo(split + 6L * (numbers.size() - 1)));
  }

  private void awaitMoreLines(int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (FlinkJobs.committedLines(output).size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + count + " lines committed after 60 s");
      }
      Thread.sleep(100);
    }
  }

  /** Turns a number into its line, and fails the job once when it sees the given number. */
  private static final class FailOnce implements MapFunction<Long, String> {
    private final long failAt;

    FailOnce(long failAt) {
      this.failAt = failAt;
    }

    @Override
    public String map(Long value) {
      if (value == failAt && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure at " + value);
      }
      return String.valueOf(value);
    }
  }
}
