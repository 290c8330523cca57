package dev.shardline.testkit.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.testkit.internal.Loopback;
import dev.shardline.testkit.junit.LocalFlinkClusterExtension;
import dev.shardline.testkit.net.TcpConnections;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@DisabledOnOs(OS.WINDOWS) // signals, /proc
class LocalFlinkClusterIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  // long enough that two kill-and-replace rounds fit in the run on a loaded 2-core machine (at
  // 3,000 the job once finished before the second kill)
  private static final long RECORDS = 6_000;
  private static final int RECORD_DELAY_MS = 8; // ~24 s a subtask at parallelism 2

  /** One TaskManager: for the tests that only submit. */
  @RegisterExtension
  static final LocalFlinkClusterExtension SMALL =
      new LocalFlinkClusterExtension(LocalFlinkCluster.builder().taskManagers(1));

  @TempDir Path output;

  @Test
  void aJobSurvivesTwoTaskManagersKilledMidRunAndCloseLeavesNoProcessOrPort() throws Exception {
    List<Long> pids;
    List<InetSocketAddress> listening = new ArrayList<>();
    int restPort;
    try (LocalFlinkCluster cluster = LocalFlinkCluster.builder().start()) {
      restPort = cluster.restPort();
      assertThat(cluster.registeredTaskManagers())
          .containsExactlyInAnyOrder("taskmanager-0", "taskmanager-1");
      JobID job = cluster.submit(countingJob(10), "counting", JobJars.containing(getClass()));

      for (int victim = 0; victim < 2; victim++) {
        cluster.awaitAllTasksRunning(job, TIMEOUT);
        long before = linesWritten();
        awaitLines(before + 200);
        if (victim == 0) { // every JVM of the cluster is up and has bound what it binds
          for (long pid : cluster.pids()) {
            listening.addAll(TcpConnections.listening(pid));
          }
        }
        cluster.killTaskManager(victim);
        int replacement = cluster.startTaskManager();
        assertThat(cluster.isTaskManagerAlive(victim)).isFalse();
        assertThat(cluster.registeredTaskManagers()).contains("taskmanager-" + replacement);
      }

      cluster.awaitJobStatus(job, JobStatus.FINISHED, TIMEOUT);
      assertThat(numbersWritten()).containsAll(LongStream.rangeClosed(1, RECORDS).boxed().toList());
      assertThat(attemptsWritten()).as("tasks restarted after the kills").contains(1);
      pids = cluster.pids();
    }

    assertThat(listening)
        .as("every port of the cluster's JVMs")
        .isNotEmpty()
        .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).as(a.toString()).isTrue())
        .anySatisfy(a -> assertThat(a.getPort()).isEqualTo(restPort));
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid " + pid).isEmpty();
    }
    for (InetSocketAddress address : listening) {
      assertThat(Loopback.accepts(address.getPort(), Duration.ofMillis(200)))
          .as("port %s after close", address.getPort())
          .isFalse();
    }
  }

  @Test
  void aJobWithoutItsJarsFailsNamingTheMissingClass() {
    LocalFlinkCluster cluster = SMALL.get();

    JobID job = cluster.submit(countingJob(0), "no jars", List.of());

    // the cluster JVMs have Flink's own jars only: the job's classes are not there
    assertThatThrownBy(() -> cluster.awaitJobStatus(job, JobStatus.FINISHED, TIMEOUT))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("ended FAILED")
        .hasMessageContaining("ClassNotFoundException: " + getClass().getName() + "$");
  }

  @Test
  void stopWithSavepointStopsTheJobAndReturnsTheSavepointsPath() throws Exception {
    LocalFlinkCluster cluster = SMALL.get();
    JobID job = cluster.submit(countingJob(0), "savepoint", JobJars.containing(getClass()));
    cluster.awaitAllTasksRunning(job, TIMEOUT);

    String savepoint = cluster.stopWithSavepoint(job);

    assertThat(cluster.jobStatus(job)).isEqualTo(JobStatus.FINISHED);
    assertThat(Path.of(java.net.URI.create(savepoint)))
        .startsWith(cluster.checkpointDirectory().resolve("savepoints"))
        .isDirectory();
  }

  @Test
  void aClassesDirectoryIsPackedIntoAJar() throws Exception {
    List<Path> jars = JobJars.containing(getClass(), SlowIdentity.class);

    assertThat(jars).hasSize(1);
    assertThat(jars.get(0).getFileName().toString()).endsWith(".jar");
    try (var jar = new java.util.jar.JarFile(jars.get(0).toFile())) {
      assertThat(jar.getEntry(SlowIdentity.class.getName().replace('.', '/') + ".class"))
          .isNotNull();
    }
    assertThatThrownBy(() -> JobJars.containing(StreamExecutionEnvironment.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one of Flink's own jars");
  }

  private StreamExecutionEnvironment countingJob(int restartAttempts) {
    Configuration config = new Configuration();
    config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
    config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
    config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    env.setParallelism(2);
    env.fromSequence(1, RECORDS)
        .map(new SlowIdentity(RECORD_DELAY_MS))
        .sinkTo(new LineFileSink(output.toString()));
    return env;
  }

  private void awaitLines(long lines) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (linesWritten() < lines) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(linesWritten() + " lines written, " + lines + " expected");
      }
      Thread.sleep(50);
    }
  }

  private long linesWritten() {
    return lines().count();
  }

  private Set<Long> numbersWritten() {
    Set<Long> numbers = new TreeSet<>();
    lines().forEach(l -> numbers.add(Long.parseLong(l)));
    return numbers;
  }

  private Set<Integer> attemptsWritten() throws IOException {
    Set<Integer> attempts = new TreeSet<>();
    try (Stream<Path> files = Files.list(output)) {
      // part-<subtask>-<attempt>.txt
      files.forEach(
          f -> attempts.add(Integer.parseInt(f.getFileName().toString().split("[-.]")[2])));
    }
    return attempts;
  }

  private Stream<String> lines() {
    try (Stream<Path> files = Files.list(output)) {
      List<String> all = new ArrayList<>();
      for (Path file : files.toList()) {
        // a line being written has no newline yet: count whole lines only
        String text = Files.readString(file);
        int end = text.lastIndexOf('\n');
        if (end >= 0) {
          all.addAll(text.substring(0, end).lines().toList());
        }
      }
      return all.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Passes each number on, a little later. */
  static final class SlowIdentity implements MapFunction<Long, Long> {
    private final int delayMs;

    SlowIdentity(int delayMs) {
      this.delayMs = delayMs;
    }

    @Override
    public Long map(Long value) throws InterruptedException {
      Thread.sleep(delayMs);
      return value;
    }
  }

  /** Appends each number as a line to {@code part-<subtask>-<attempt>.txt}, at once. */
  static final class LineFileSink implements Sink<Long> {
    private final String directory;

    LineFileSink(String directory) {
      this.directory = directory;
    }

    @Override
    public SinkWriter<Long> createWriter(WriterInitContext context) throws IOException {
      Path file =
          Path.of(
              directory,
              "part-"
                  + context.getTaskInfo().getIndexOfThisSubtask()
                  + "-"
                  + context.getTaskInfo().getAttemptNumber()
                  + ".txt");
      BufferedWriter out =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return new SinkWriter<>() {
        @Override
        public void write(Long value, Context context) throws IOException {
          out.write(value + "\n");
          out.flush(); // in the file before a SIGKILL can take it
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }
  }
}
