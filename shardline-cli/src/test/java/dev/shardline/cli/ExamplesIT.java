package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every pipeline under {@code examples/} passes {@code validate}; each is also run by a test (this
 * class for the ones that need no server; the connector examples by their own ITs).
 */
class ExamplesIT {
  static final Path EXAMPLES = ShardlineProcess.REPOSITORY.resolve("examples");
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path dir;

  static List<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void everyExampleIsValid() throws Exception {
    List<Path> examples = examples();
    assertThat(examples).isNotEmpty();

    List<String> args = new ArrayList<>(List.of("validate"));
    examples.forEach(e -> args.add(e.toString()));
    try (ShardlineProcess validate =
        ShardlineProcess.start(dir, Map.of(), args.toArray(new String[0]))) {
      int exit = validate.awaitExit(TIMEOUT);

      assertThat(exit).as(validate.output()).isZero();
      for (Path example : examples) {
        assertThat(validate.output()).contains(example + ": valid.");
      }
    }
  }

  @Test
  void generatorToFileWritesTheFilteredEventsOnce() throws Exception {
    Path out = dir.resolve("out");
    try (ShardlineProcess run =
        ShardlineProcess.start(
            dir,
            Map.of("OUTPUT_DIR", out.toString()),
            "run",
            EXAMPLES.resolve("generator-to-file.yaml").toString())) {
      assertThat(run.awaitExit(TIMEOUT)).as(run.output()).isZero();
      assertThat(run.output())
          .contains("Pipeline 'generator-to-file' finished")
          .contains("20,000 records in, 10,000 out");
    }

    List<String> lines = new ArrayList<>();
    try (Stream<Path> parts = Files.list(out)) {
      for (Path part : parts.toList()) {
        lines.addAll(Files.readAllLines(part));
      }
    }
    assertThat(lines).hasSize(10_000).doesNotHaveDuplicates();
    assertThat(lines)
        .allSatisfy(
            line ->
                assertThat(line)
                    .matches("\\{\"seq\":\\d+,\"key\":\"key-[0-3]\",\"readAt\":\"[0-9T:.Z-]+\"}"));
    assertThat(dir.resolve("checkpoints/generator-to-file")).isDirectory();
  }
}
