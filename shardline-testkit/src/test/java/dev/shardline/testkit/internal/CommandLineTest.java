package dev.shardline.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@DisabledOnOs(OS.WINDOWS)
class CommandLineTest {
  @TempDir Path dir;

  @Test
  void capturesExitCodeAndCombinedOutput() {
    CommandLine.Result result =
        CommandLine.run(
            List.of("sh", "-c", "echo out; echo err >&2; echo \"$GREETING\"; exit 3"),
            dir,
            Map.of("GREETING", "hello"),
            Duration.ofSeconds(30));

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.output()).contains("out", "err", "hello");
  }

  @Test
  void theTailKeepsTheLastLines() {
    CommandLine.Result result = new CommandLine.Result(1, "a\nb\nc\nd\n");

    assertThat(result.outputTail(2)).isEqualTo("c" + System.lineSeparator() + "d");
    assertThat(result.outputTail(10)).startsWith("a");
  }

  @Test
  void aCommandPastItsTimeoutIsKilledAndReported() {
    long started = System.nanoTime();

    assertThatThrownBy(
            () ->
                CommandLine.run(
                    List.of("sh", "-c", "echo started; sleep 30"),
                    dir,
                    Map.of(),
                    Duration.ofMillis(500)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not finish")
        .hasMessageContaining("started");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void aMissingExecutableIsAnIoError() {
    assertThatThrownBy(
            () ->
                CommandLine.run(
                    List.of(dir.resolve("no-such-tool").toString()),
                    dir,
                    Map.of(),
                    Duration.ofSeconds(5)))
        .isInstanceOf(UncheckedIOException.class);
  }
}
