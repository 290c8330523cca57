package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./shardline} launcher as a user runs it: a pipeline stopped with SIGTERM takes a final
 * checkpoint and exits 0, a second run resumes where it stopped, metrics are served for Prometheus,
 * status lines are logged when the output is not a terminal, and the class-data archive is made
 * once per build and used.
 */
class LauncherIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern METRICS_URL =
      Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/metrics)");

  @TempDir Path dir;

  private Path unboundedPipeline() throws IOException {
    Path file = dir.resolve("ticks.yaml");
    Files.writeString(
        file,
        "name: ticks\n"
            + "checkpoint: {interval: 300ms}\n"
            + "source:\n"
            + "  type: generator\n"
            + "  kind: sequence\n"
            + "  ratePerSecond: 2000\n"
            + "sinks:\n"
            + "  - type: file\n"
            + "    path: out\n",
        StandardCharsets.UTF_8);
    return file;
  }

  private List<Long> numbersWritten() throws IOException {
    List<Long> numbers = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      for (Path part : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
        Files.readAllLines(part).forEach(line -> numbers.add(Long.parseLong(line)));
      }
    }
    return numbers;
  }

  @Test
  void sigtermStopsCleanlyAndTheNextRunResumesWithoutGapsOrDuplicates() throws Exception {
    Path file = unboundedPipeline();
    long scrapedRecordsIn;
    try (ShardlineProcess first =
        ShardlineProcess.start(
            dir,
            Map.of(),
            "run",
            "--metrics-port",
            "0",
            "--status",
            "log",
            "--status-interval",
            "200ms",
            file.toString())) {
      String url = match(first.awaitLine(l -> METRICS_URL.matcher(l).find(), TIMEOUT));
      first.awaitLine(l -> l.contains("| checkpoint 2"), TIMEOUT);
      String metrics = scrape(url);
      assertThat(metrics).contains("shardline_pipeline_records_in_total");
      scrapedRecordsIn = sumOf(metrics, "shardline_pipeline_records_in_total");

      first.terminate();

      assertThat(first.awaitExit(TIMEOUT)).as(first.output()).isZero();
      assertThat(first.output())
          .contains("Stopping pipeline 'ticks': final checkpoint")
          .containsPattern("Pipeline 'ticks' stopped after [0-9.]+s: [0-9,]+ records in");
    }
    List<Long> afterFirst = numbersWritten();
    assertThat(scrapedRecordsIn).isPositive();
    assertThat(afterFirst).hasSizeGreaterThanOrEqualTo((int) scrapedRecordsIn);

    try (ShardlineProcess second =
        ShardlineProcess.start(dir, Map.of(), "run", "--status", "off", file.toString())) {
      second.awaitLine(l -> l.contains("restoring checkpoint"), TIMEOUT);
      second.awaitLine(l -> l.contains("Running"), TIMEOUT);
      awaitMoreThan(afterFirst.size() + 500);
      second.terminate();
      assertThat(second.awaitExit(TIMEOUT)).as(second.output()).isZero();
    }

    List<Long> all = numbersWritten();
    assertThat(all).doesNotHaveDuplicates();
    assertThat(all).hasSizeGreaterThan(afterFirst.size());
    assertThat(all.stream().mapToLong(Long::longValue).max().orElseThrow())
        .as("every number from 0 to the largest was written: no gap at the restart")
        .isEqualTo(all.size() - 1);
  }

  @Test
  void aStaleClassDataArchiveIsRemadeAndTheNextRunMapsIt() throws Exception {
    Path jar = ShardlineProcess.REPOSITORY.resolve("shardline-cli/target/shardline.jar");
    Path archive = ShardlineProcess.REPOSITORY.resolve("shardline-cli/target/shardline.jsa");
    try (ShardlineProcess build = ShardlineProcess.start(dir, Map.of(), "--version")) {
      assertThat(build.awaitExit(TIMEOUT)).isEqualTo(0); // the jar exists from here on
    }
    if (Files.exists(archive)) {
      // older than the jar: made for another build, which the JVM would refuse
      Files.setLastModifiedTime(archive, FileTime.fromMillis(0));
    }

    try (ShardlineProcess first = ShardlineProcess.start(dir, Map.of(), "--version")) {
      assertThat(first.awaitExit(TIMEOUT)).isEqualTo(0);
      assertThat(first.output()).contains("making the class-data archive");
    }
    assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(Files.getLastModifiedTime(jar));

    // -Xshare:on: the JVM exits with an error instead of running without an archive it cannot map
    try (ShardlineProcess second =
        ShardlineProcess.start(dir, Map.of("SHARDLINE_JAVA_OPTS", "-Xshare:on"), "--version")) {
      assertThat(second.awaitExit(TIMEOUT)).isEqualTo(0);
      assertThat(second.output())
          .contains("shardline ")
          .doesNotContain("making the class-data archive")
          .doesNotContain("shared archive");
    }
  }

  @Test
  void validateThroughTheLauncherExitsNonZeroForABrokenFile() throws Exception {
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "name: x\nsource: {type: generator, kind: sequense}\nsinks: []\n");

    try (ShardlineProcess validate =
        ShardlineProcess.start(dir, Map.of(), "validate", broken.toString())) {
      assertThat(validate.awaitExit(TIMEOUT)).isEqualTo(1);
      assertThat(validate.output())
          .contains("broken.yaml:2:")
          .contains("source.kind: Invalid value \"sequense\"")
          .contains("sinks: sinks must be a list of one or more sinks");
    }
  }

  private void awaitMoreThan(int lines) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (numbersWritten().size() <= lines) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + lines + " lines committed in " + TIMEOUT);
      }
      // committed part files appear at each checkpoint (300 ms); nothing to wait on but the disk
      Thread.sleep(100);
    }
  }

  private static String match(String line) {
    Matcher matcher = METRICS_URL.matcher(line);
    assertThat(matcher.find()).isTrue();
    return matcher.group(1);
  }

  private static String scrape(String url) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static long sumOf(String metrics, String name) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
