package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.flink.LocalFlinkCluster;
import dev.shardline.testkit.junit.LocalFlinkClusterExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shardline run --engine flink --flink-rest HOST:PORT} through the launcher: the job jar
 * (shardline.jar) uploaded to a standalone session cluster (a JobManager and one TaskManager JVM on
 * 127.0.0.1), followed until its bounded source ends.
 */
class FlinkSessionClusterIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @RegisterExtension
  static final LocalFlinkClusterExtension FLINK =
      new LocalFlinkClusterExtension(LocalFlinkCluster.builder().taskManagers(1));

  @TempDir Path dir;

  @Test
  void aPipelineFileRunsOnASessionClusterWithItsTransforms(LocalFlinkCluster cluster)
      throws Exception {
    Path file = dir.resolve("on-cluster.yaml");
    Files.writeString(
        file,
        "name: on-cluster\n"
            + "parallelism: 2\n"
            + "checkpoint:\n"
            + "  interval: 500ms\n"
            + "source:\n"
            + "  type: generator\n"
            + "  kind: json-events\n"
            + "  count: 4000\n"
            + "  keys: 4\n"
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
            + "\n",
        StandardCharsets.UTF_8);
    String rest = "127.0.0.1:" + cluster.restPort();

    try (ShardlineProcess run =
        ShardlineProcess.start(
            dir,
            Map.of(),
            "run",
            "--engine",
            "flink",
            "--flink-rest",
            rest,
            "--status",
            "log",
            "--status-interval",
            "1s",
            file.toString())) {
      assertThat(run.awaitExit(TIMEOUT)).as(run.output()).isZero();
      assertThat(run.output())
          .contains("on Flink at http://" + rest + ", job ")
          .containsPattern("Pipeline 'on-cluster' finished after .* on Flink at http://");
    }

    List<String> lines = KinesisExamplesIT.lines(dir.resolve("out"));
    assertThat(lines).hasSize(3000).doesNotContain("\"key\":\"key-3\"");
    assertThat(new HashSet<>(lines)).hasSize(3000);
    assertThat(lines).allMatch(line -> line.matches("\\{\"seq\":\\d+,\"key\":\"key-[012]\"}"));
  }
}
