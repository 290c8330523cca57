package dev.shardline.cli.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live status line on a real terminal (a pseudo-terminal from util-linux's {@code script}):
 * once the command is told to stop, the line is erased for good, not redrawn with its last (stale)
 * numbers under each of the stop's log lines.
 */
@DisabledOnOs(OS.WINDOWS)
class StatusLineAtExitIT {
  private static final Path JAR =
      Path.of(System.getProperty("shardline.jar", "target/shardline.jar")).toAbsolutePath();

  @TempDir Path dir;

  @Test
  void afterSigtermTheStatusLineIsNotRedrawnUnderTheStopsLogLines() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is missing");
    Path pipeline = dir.resolve("p.yaml");
    Files.writeString(
        pipeline,
        String.join(
            "\n",
            "name: status-at-exit",
            "checkpoint:",
            "  interval: 1s",
            "  directory: " + dir.resolve("checkpoints"),
            "source:",
            "  type: generator",
            "  kind: json-events",
            "  ratePerSecond: 200",
            "sinks:",
            "  - type: file",
            "    path: " + dir.resolve("out"),
            "    format: lines",
            ""));
    Path typescript = dir.resolve("typescript");
    String command = "exec java -jar '" + JAR + "' run --status line '" + pipeline + "'";
    Process script =
        new ProcessBuilder(List.of("script", "-qfec", command, typescript.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("script.out").toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    try {
      // Given a pipeline running with its live line drawn a few times
      awaitText(typescript, "| ok |", 3, Duration.ofSeconds(60));

      // When the command gets SIGTERM (the java process under script's terminal)
      ProcessHandle java =
          script
              .descendants()
              .filter(p -> p.info().command().orElse("").endsWith("java"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no java process under script"));
      Runtime.getRuntime()
          .exec(new String[] {"kill", "-TERM", Long.toString(java.pid())})
          .waitFor();
      assertThat(script.waitFor(60, TimeUnit.SECONDS)).as("script ended").isTrue();

      // Then after "Stopping" no status line is drawn again, and the summary is there
      String text = Files.readString(typescript, StandardCharsets.UTF_8);
      int stopping = text.indexOf("Stopping pipeline 'status-at-exit'");
      assertThat(stopping).as(text).isPositive();
      String afterStop = text.substring(stopping);
      assertThat(afterStop).as(afterStop).doesNotContain("| ok |").contains("stopped after");
    } finally {
      script.descendants().forEach(ProcessHandle::destroyForcibly);
      script.destroyForcibly();
    }
  }

  private static void awaitText(Path file, String text, int times, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String content = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      if (content.split(java.util.regex.Pattern.quote(text), -1).length - 1 >= times) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(text + " not shown " + times + " times: " + content);
      }
      Thread.sleep(100);
    }
  }
}
