package dev.shardline.testkit.internal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived command (npm, {@code node --version}) to completion and captures its combined
 * output. Not for servers: those are {@link ServerProcess}es. Thread-safe (stateless).
 */
public final class CommandLine {
  private CommandLine() {}

  /** How a command ended: its exit code and everything it printed (stdout and stderr). */
  public record Result(int exitCode, String output) {
    /** The last {@code lines} lines of the output, for error messages. */
    public String outputTail(int lines) {
      List<String> all = output.lines().toList();
      return String.join(
          System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    }
  }

  /**
   * Runs {@code command} in {@code directory} with extra environment variables and waits for it.
   *
   * @throws UncheckedIOException if the command cannot be started (e.g. not on the PATH)
   * @throws IllegalStateException if it runs longer than {@code timeout} (it is killed, with its
   *     children)
   */
  public static Result run(
      List<String> command, Path directory, Map<String, String> environment, Duration timeout)
      throws UncheckedIOException {
    Path output = null;
    try {
      output = Files.createTempFile("shardline-command-", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      builder.environment().putAll(environment);
      Process process = builder.start();
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
          throw new IllegalStateException(
              "'"
                  + String.join(" ", command)
                  + "' did not finish within "
                  + timeout.toSeconds()
                  + " s; its output ends with:"
                  + System.lineSeparator()
                  + new Result(-1, read(output)).outputTail(30));
        }
      } catch (InterruptedException e) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while running " + command.get(0), e);
      }
      return new Result(process.exitValue(), read(output));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run '" + String.join(" ", command) + "'", e);
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }

  private static String read(Path file) throws IOException {
    // lenient: a stray invalid byte in a tool's output must not hide the output
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  private static File nullDevice() {
    return new File(NodeJs.isWindows() ? "NUL" : "/dev/null");
  }
}
