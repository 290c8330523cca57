package dev.shardline.cli.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.cli.connect.ConnectorRegistry;
import dev.shardline.cli.spec.PipelineDefinition;
import dev.shardline.cli.spec.PipelineFileReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline file as a Flink job graph, and the check for Flink on the classpath. */
class FlinkJobTest {
  @TempDir Path dir;

  private PipelineDefinition definition(String deadLetter) throws Exception {
    Path file = dir.resolve("p.yaml");
    Files.writeString(
        file,
        "name: orders\n"
            + "parallelism: 3\n"
            + "checkpoint:\n"
            + "  interval: 750ms\n"
            + "  directory: "
            + dir.resolve("checkpoints")
            + "\n"
            + "restart:\n"
            + "  maxRestarts: 4\n"
            + "source:\n"
            + "  type: generator\n"
            + "  kind: json-events\n"
            + "  count: 10\n"
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
            + "  - type: stdout\n"
            + deadLetter,
        StandardCharsets.UTF_8);
    return new PipelineFileReader(ConnectorRegistry.get(), Map.<String, String>of()::get)
        .read(file);
  }

  @Test
  void missingFlinkOnTheClasspathIsOneLineNamingTheFix() {
    Optional<String> error = FlinkClasspath.missing("org.apache.flink.NoSuchEnvironment");

    assertThat(error).isPresent();
    assertThat(error.get())
        .doesNotContain("\n")
        .contains("org.apache.flink.NoSuchEnvironment is not there")
        .contains("./shardline run --engine flink")
        .contains(
            "java -cp shardline.jar:/opt/flink/lib/* dev.shardline.cli.Main run --engine flink");
    assertThat(FlinkClasspath.missing(FlinkClasspath.STREAM_ENVIRONMENT)).isEmpty();
  }

  @Test
  void theJobGraphHasOneOperatorPerSectionWithUidsStableAcrossRuns() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setRuntimeMode(RuntimeExecutionMode.STREAMING);

    FlinkJob.build(env, definition(""), Optional.empty());
    StreamGraph graph = env.getStreamGraph();

    Map<String, String> uidToName = new java.util.TreeMap<>();
    for (StreamNode node : graph.getStreamNodes()) {
      assertThat(node.getParallelism()).as(node.getOperatorName()).isEqualTo(3);
      if (node.getTransformationUID() != null) {
        uidToName.put(node.getTransformationUID(), node.getOperatorName());
      }
    }
    assertThat(uidToName)
        .containsKeys("source", "to-record", "transform-0", "transform-1", "sink-0", "sink-1");
    assertThat(uidToName.get("source")).contains("source generator");
    assertThat(uidToName.get("transform-0")).contains("transforms[0] filter");
    assertThat(uidToName.get("transform-1")).contains("transforms[1] keepFields");
    assertThat(uidToName.get("sink-0")).contains("sinks[0] file");
    assertThat(uidToName.get("sink-1")).contains("sinks[1] stdout");
  }

  @Test
  void theJobSettingsComeFromThePipelineSettings() throws Exception {
    PipelineDefinition definition = definition("");

    Configuration conf =
        FlinkJob.configuration(definition, Optional.of(dir.resolve("checkpoints/flink/x/chk-3")));

    assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL).toMillis()).isEqualTo(750);
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo(dir.resolve("checkpoints").resolve("flink").toUri().toString());
    assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
        .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
        .isEqualTo(4);
    assertThat(conf.get(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH))
        .startsWith("file:/")
        .contains("/checkpoints/flink/x/chk-3");
  }

  @Test
  void aTwoPhaseDeadLetterSinkIsAccepted() throws Exception {
    PipelineDefinition definition =
        definition("deadLetter:\n  type: file\n  path: " + dir.resolve("dead") + "\n");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

    FlinkJob.build(env, definition, Optional.empty());

    assertThat(env.getStreamGraph().getStreamNodes()).isNotEmpty();
  }
}
