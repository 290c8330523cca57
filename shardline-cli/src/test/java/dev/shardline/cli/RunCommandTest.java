package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.runtime.status.FailureCause;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shardline run} in this JVM on bounded generator pipelines, and the checkpoint tools. */
class RunCommandTest {
  @TempDir Path dir;

  private Path pipeline(String name, long count, String extra) throws IOException {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(
        file,
        "name: "
            + name
            + "\n"
            + "parallelism: 2\n"
            + "checkpoint:\n"
            + "  interval: 200ms\n"
            + "  directory: "
            + dir.resolve("checkpoints")
            + "\n"
            + "source:\n"
            + "  type: generator\n"
            + "  kind: json-events\n"
            + "  count: "
            + count
            + "\n"
            + "  keys: 4\n"
            + "  payloadSize: 8B\n"
            + "transforms:\n"
            + "  - type: filter\n"
            + "    field: /key\n"
            + "    notEquals: key-3\n"
            + "  - type: keepFields\n"
            + "    fields: [/seq, /key]\n"
            + "sinks:\n"
            + "  - type: file\n"
            + "    path: "
            + dir.resolve("out")
            + "\n"
            + extra,
        StandardCharsets.UTF_8);
    return file;
  }

  private List<String> lines() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("part-"))
          .flatMap(
              f -> {
                try {
                  return Files.readAllLines(f).stream();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .toList();
    }
  }

  @Test
  void aBadStatusModeOrMetricsPortIsAUsageErrorListingWhatIsAccepted() throws Exception {
    Path file = pipeline("usage", 10, "");

    // regression: --status bogus said "No enum constant dev.shardline.cli.status.StatusMode.BOGUS"
    CommandResult status = CommandResult.run("run", "--status", "bogus", file.toString());
    assertThat(status.exitCode()).isEqualTo(2);
    assertThat(status.err())
        .contains("'bogus' is not a status mode; choose one of auto, line, log, off")
        .doesNotContain("No enum constant");

    CommandResult port = CommandResult.run("run", "--metrics-port", "-1", file.toString());
    assertThat(port.exitCode()).isEqualTo(2);
    assertThat(port.err()).contains("-1 is outside 0 to 65535");
  }

  @Test
  void aBoundedPipelineRunsToItsEndAndARerunResumesWithoutWritingAgain() throws Exception {
    Path file = pipeline("bounded", 4000, "");

    CommandResult first = CommandResult.run("run", "--status", "off", file.toString());
    List<String> afterFirst = lines();
    CommandResult second = CommandResult.run("run", "--status", "off", file.toString());

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(afterFirst).hasSize(3000).doesNotHaveDuplicates();
    assertThat(afterFirst).allSatisfy(line -> assertThat(line).doesNotContain("payload", "key-3"));
    assertThat(afterFirst).contains("{\"seq\":0,\"key\":\"key-0\"}");
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(lines()).hasSize(3000);
  }

  @Test
  void onFlinkABoundedPipelineRunsToItsEndWithItsTransforms() throws Exception {
    // regression: the conversion to records and the transforms were method references
    // (toRecord::apply, function::apply); deserialized in the tasks, one got the other's cast
    // and every record failed with "String cannot be cast to PipelineRecord"
    Path file = pipeline("flink-bounded", 4000, "");

    CommandResult run =
        CommandResult.run("run", "--engine", "flink", "--status", "off", file.toString());

    // (what it prints goes to the terminal, which FlinkExamplesIT reads through the launcher)
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(lines()).hasSize(3000).doesNotHaveDuplicates();
    assertThat(lines()).allSatisfy(line -> assertThat(line).doesNotContain("payload", "key-3"));
  }

  @Test
  void onFlinkAPipelineStartsFromTheEmbeddedRunnersCheckpoint() throws Exception {
    Path file = pipeline("moved", 4000, "");
    assertThat(CommandResult.run("run", "--status", "off", file.toString()).exitCode()).isZero();

    CommandResult onFlink =
        CommandResult.run("run", "--engine", "flink", "--status", "off", file.toString());

    // the embedded run read everything: started from its checkpoint, the Flink job writes
    // nothing again (from the generator's start, it would write the 3,000 records a second time)
    assertThat(onFlink.exitCode()).as(onFlink.err()).isZero();
    assertThat(lines()).hasSize(3000).doesNotHaveDuplicates();
  }

  @Test
  void checkpointsListAndShowDescribeTheDirectory() throws Exception {
    Path file = pipeline("inspected", 1000, "");
    assertThat(CommandResult.run("run", "--status", "off", file.toString()).exitCode()).isZero();

    CommandResult list =
        CommandResult.run("checkpoints", "list", dir.resolve("checkpoints").toString());
    CommandResult show =
        CommandResult.run("checkpoints", "show", dir.resolve("checkpoints").toString());

    assertThat(list.exitCode()).isZero();
    assertThat(list.out())
        .contains("ID", "PIPELINE", "SOURCE")
        .contains("inspected")
        .contains("generator:json-events");
    assertThat(show.exitCode()).isZero();
    assertThat(show.out())
        .contains("pipeline:    inspected")
        .contains("parallelism: 2")
        .contains("reader 0: 1 split")
        .contains("generator-0-of-2: emitted 500, next sequence number 1000")
        .contains("generator-1-of-2: emitted 500, next sequence number 1001")
        .contains("sink-0: ");
  }

  @Test
  void showingACheckpointThatIsNotThereSaysWhatToDo() {
    CommandResult show = CommandResult.run("checkpoints", "show", dir.toString(), "--id", "7");

    assertThat(show.exitCode()).isEqualTo(1);
    assertThat(show.err()).contains("No checkpoint 7 in").contains("checkpoints list");
  }

  @Test
  void anInvalidFileIsNotRun() throws Exception {
    Path file = pipeline("invalid", 10, "parallelism: 0\n");

    CommandResult result = CommandResult.run("run", "--status", "off", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void theLastLineGivesTheConnectorsMessageNotTheSocketErrorUnderIt() {
    // regression: an unreachable Kinesis server ended with "ConnectException: Connection refused"
    java.net.ConnectException refused = new java.net.ConnectException("Connection refused");
    Throwable failure =
        new dev.shardline.api.ShardlineException(
            "Worker 0 of pipeline 'p' failed: dev.shardline.retry.ServerUnreachableException: ...",
            new dev.shardline.retry.ServerUnreachableException(
                "Cannot reach Kinesis at http://127.0.0.1:1: no answer for 31s. Check that the"
                    + " server is up (option unreachableTimeout)",
                "http://127.0.0.1:1",
                java.time.Duration.ofSeconds(31),
                new RuntimeException("wrapped", refused)));

    assertThat(FailureCause.describe(failure))
        .isEqualTo(
            "Cannot reach Kinesis at http://127.0.0.1:1: no answer for 31s. Check that the server"
                + " is up (option unreachableTimeout)");
  }

  @Test
  void aWrapperThatOnlyRepeatsItsCauseGivesWayToTheCause() {
    IllegalStateException boom = new IllegalStateException("boom");
    Throwable failure =
        new dev.shardline.api.ShardlineException("Worker 0 of pipeline 'p' failed: " + boom, boom);

    assertThat(FailureCause.describe(failure)).isEqualTo("IllegalStateException: boom");
  }

  @Test
  void aRootCauseWithoutAMessageGivesWayToTheShardlineErrorAboveIt() {
    // regression: a registry that refused connections ended the run with "failed: null"
    java.net.ConnectException refused = new java.net.ConnectException();
    Throwable failure =
        new dev.shardline.api.ShardlineException(
            "Worker 0 of pipeline 'p' failed: x",
            new dev.shardline.api.ShardlineException(
                "Cannot reach the schema registry at http://127.0.0.1:1: connection refused",
                refused));

    assertThat(FailureCause.describe(failure))
        .isEqualTo("Cannot reach the schema registry at http://127.0.0.1:1: connection refused");
  }
}
