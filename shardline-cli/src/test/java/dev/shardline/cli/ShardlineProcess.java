package dev.shardline.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The {@code ./shardline} launcher run as a user runs it: a child process in a working directory,
 * its output collected line by line as it comes. Stopped (killed) on {@link #close()} if still
 * running.
 */
final class ShardlineProcess implements AutoCloseable {
  /** The repository root, where the launcher is. */
  static final Path REPOSITORY =
      Path.of(System.getProperty("shardline.repository", "..")).toAbsolutePath().normalize();

  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;

  private ShardlineProcess(Process process) {
    this.process = process;
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                }
              } catch (IOException e) {
                // the process is gone
              }
            },
            "shardline-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code ./shardline args...} in {@code workingDirectory} with extra environment. */
  static ShardlineProcess start(Path workingDirectory, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(REPOSITORY.resolve("shardline").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    return new ShardlineProcess(builder.start());
  }

  /** Waits until a line matches {@code condition}; fails after {@code timeout}. */
  String awaitLine(Predicate<String> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      while (true) {
        for (String line : lines) {
          if (condition.test(line)) {
            return line;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
          throw new AssertionError("No such line within " + timeout + "; output:\n" + output());
        }
        lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  /** Waits for the process to end and returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("Still running after " + timeout + "; output:\n" + output());
    }
    reader.join(timeout.toMillis());
    return process.exitValue();
  }

  /**
   * SIGTERM, as a service manager stops a program. Sent with kill(1): {@link Process#destroy()}
   * would also close the pipes and lose what the process prints while it stops.
   */
  void terminate() throws IOException, InterruptedException {
    signal("TERM");
  }

  /** SIGKILL: a crash. */
  void kill() throws IOException, InterruptedException {
    signal("KILL");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Everything printed so far (stdout and stderr). */
  String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
