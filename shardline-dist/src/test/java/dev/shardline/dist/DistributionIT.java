package dev.shardline.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball {@code mvn package} builds, unpacked somewhere else as a user would: {@code
 * bin/shardline} runs the example pipelines from {@code lib/shardline.jar}, with no repository and
 * no Maven.
 */
class DistributionIT {
  private static final Path TARBALL = Path.of(System.getProperty("shardline.tarball"));
  private static final String VERSION = System.getProperty("shardline.version");

  @TempDir Path dir;

  @Test
  void unpackedAnywhereItsLauncherRunsAnExampleWithNoBuild() throws Exception {
    Path home = unpack();

    assertThat(home.resolve("bin/shardline")).isRegularFile();
    assertThat(Files.getPosixFilePermissions(home.resolve("bin/shardline")))
        .contains(PosixFilePermission.OWNER_EXECUTE);
    assertThat(home.resolve("lib/shardline.jar")).isRegularFile();
    assertThat(home.resolve("lib/dev/shardline-dev.jar")).isRegularFile();
    assertThat(home.resolve("lib/flink")).isDirectoryContaining("glob:**/flink-runtime-*.jar");
    assertThat(home.resolve("examples/generator-to-file.yaml")).isRegularFile();
    assertThat(home.resolve("docs/pipeline-reference.md")).isRegularFile();
    assertThat(home.resolve("licenses")).isDirectoryContaining("glob:**/kafka-clients-*");
    assertThat(home.resolve("LICENSE")).content().contains("Apache License", "Version 2.0");

    Result version = run(home, dir, "--version");
    assertThat(version.exit()).as(version.output()).isZero();
    assertThat(version.output())
        .contains("shardline " + VERSION)
        .as("the distribution runs its jar, it never builds")
        .doesNotContain("Maven");

    // a working directory outside the unpacked tree, and a relative path to the example
    Path work = Files.createDirectories(dir.resolve("work"));
    Result example =
        run(
            home,
            work,
            "run",
            "--status",
            "off",
            home.resolve("examples/generator-to-file.yaml").toString());
    assertThat(example.exit()).as(example.output()).isZero();
    assertThat(example.output()).contains("Pipeline 'generator-to-file' finished");
    assertThat(lines(work.resolve("out/generator-to-file"))).hasSize(10_000);
  }

  private Path unpack() throws Exception {
    Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
    Process tar =
        new ProcessBuilder("tar", "-xzf", TARBALL.toString(), "-C", unpacked.toString())
            .inheritIO()
            .start();
    assertThat(tar.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(tar.exitValue()).isZero();
    return unpacked.resolve("shardline-" + VERSION);
  }

  private record Result(int exit, String output) {}

  private static Result run(Path home, Path workingDirectory, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/shardline").toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(workingDirectory, "shardline-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder
        .environment()
        .put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
    Process process = builder.start();
    try {
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        throw new AssertionError(
            "bin/shardline did not end in 3 minutes: " + Files.readString(log));
      }
    } finally {
      process.destroyForcibly();
    }
    return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private static List<String> lines(Path directory) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path part : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
        lines.addAll(Files.readAllLines(part, StandardCharsets.UTF_8));
      }
    }
    return lines;
  }
}
