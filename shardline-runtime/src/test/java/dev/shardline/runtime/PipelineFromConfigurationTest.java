package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.config.Configuration;
import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.generator.GeneratorSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline described by maps, as a parsed YAML pipeline file gives them, runs as one built in
 * Java.
 */
@Timeout(30) // runs pipelines: a regression could keep one running
class PipelineFromConfigurationTest {
  @TempDir Path dir;

  @Test
  void aPipelineBuiltFromMapsRunsTheSameAsOneBuiltFluently() throws Exception {
    // Given the same pipeline twice: once through the Java builders...
    Path fluentOut = dir.resolve("fluent/out");
    Path fluentCheckpoints = dir.resolve("fluent/checkpoints");
    Pipeline fluent =
        Pipeline.from(GeneratorSource.jsonEvents(4, 10).count(2_000).splits(3).batchSize(7).build())
            .to(FileSink.jsonLines(fluentOut).suffix(".json").bufferBytes(512).build())
            .name("orders")
            .parallelism(2)
            .checkpointInterval(Duration.ofHours(1))
            .checkpointDirectory(fluentCheckpoints)
            .retainedCheckpoints(1)
            .build();

    // ...and once from the sections of a parsed YAML file (numbers as text where YAML may give it)
    Path yamlOut = dir.resolve("yaml/out");
    Path yamlCheckpoints = dir.resolve("yaml/checkpoints");
    Map<String, Object> source =
        Map.of(
            "kind",
            "json-events",
            "keys",
            4,
            "payloadSize",
            "10B",
            "count",
            2_000,
            "splits",
            "3",
            "batchSize",
            7);
    Map<String, Object> sink =
        Map.of(
            "path", yamlOut.toString(),
            "format", "json-lines",
            "suffix", ".json",
            "bufferSize", "512B");
    Map<String, Object> settings =
        Map.of(
            "name", "orders",
            "parallelism", "2",
            "checkpoint",
                Map.of("interval", "1h", "directory", yamlCheckpoints.toString(), "retained", 1));
    Pipeline fromYaml =
        Pipeline.from(GeneratorSource.fromConfiguration(Configuration.fromMap(source)))
            .to(FileSink.fromConfiguration(Configuration.fromMap(sink)))
            .configure(Configuration.fromMap(settings))
            .build();

    // When both run to the end of their input
    fluent.run();
    fromYaml.run();

    // Then they wrote the same part files, holding the same lines, and checkpointed alike
    Map<String, List<String>> fluentParts = parts(fluentOut);
    assertThat(fluentParts)
        .containsOnlyKeys(
            "part-orders@sink-0-00000-00000000000000000001.json",
            "part-orders@sink-0-00001-00000000000000000001.json");
    assertThat(fluentParts.values().stream().mapToInt(List::size).sum()).isEqualTo(2_000);
    assertThat(fluentParts.get("part-orders@sink-0-00000-00000000000000000001.json"))
        .contains(
            "\"{\\\"seq\\\":0,\\\"key\\\":\\\"key-0\\\",\\\"payload\\\":\\\"abcdefghij\\\"}\"");
    assertThat(parts(yamlOut)).isEqualTo(fluentParts);
    assertThat(names(yamlCheckpoints))
        .isEqualTo(names(fluentCheckpoints))
        .contains("checkpoint-00000000000000000001.ckpt");
    assertThat(fromYaml.name()).isEqualTo(fluent.name()).isEqualTo("orders");
    assertThat(fromYaml.lastCheckpointId()).isEqualTo(fluent.lastCheckpointId());
  }

  @Test
  void restartSettingsFromMapsDriveTheRestartPolicy() {
    // Given a pipeline whose every record fails, with two quick restarts configured as YAML would
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(10).build())
            .map(
                n -> {
                  throw new IllegalStateException("poison record " + n);
                })
            .to(new CollectingSink<>())
            .configure(
                Configuration.fromMap(
                    Map.of(
                        "checkpoint", Map.of("directory", dir.toString()),
                        "restart",
                            Map.of(
                                "maxRestarts",
                                2,
                                "backoff",
                                Map.of("initial", "1ms", "max", "1ms", "jitter", 0)))))
            .build();

    // Then it runs three times, then gives up, as RestartPolicy.of(2, ...) does
    assertThatThrownBy(pipeline::run)
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageContaining("failed 3 time(s)")
        .hasMessageContaining("gave up after 2 restart(s)");
  }

  @Test
  void fluentSettingsAfterConfigureOverrideItAndTheOthersStay() {
    // Given YAML settings, then a Java override of one of them
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(10).build())
            .to(new CollectingSink<>())
            .configure(
                Configuration.fromMap(
                    Map.of(
                        "name",
                        "from-yaml",
                        "checkpoint",
                        Map.of("directory", dir.resolve("yaml").toString()))))
            .checkpointDirectory(dir.resolve("java"))
            .build();

    pipeline.run();

    assertThat(pipeline.name()).isEqualTo("from-yaml");
    assertThat(dir.resolve("java/checkpoint-00000000000000000001.ckpt")).exists();
    assertThat(dir.resolve("yaml")).doesNotExist();
  }

  private static Map<String, List<String>> parts(Path directory) throws IOException {
    Map<String, List<String>> parts = new TreeMap<>();
    for (String name : names(directory)) {
      parts.put(name, Files.readAllLines(directory.resolve(name)).stream().sorted().toList());
    }
    return parts;
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
