package dev.shardline.cli;

import dev.shardline.testkit.process.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The {@code ./shardline} launcher run as a user runs it: a {@link ChildProcess} in a working
 * directory (the launcher execs {@code java}, so signals reach the JVM itself). Killed on {@link
 * #close()} if still running.
 */
public final class ShardlineProcess implements AutoCloseable {
  /** The repository root, where the launcher is. */
  public static final Path REPOSITORY =
      Path.of(System.getProperty("shardline.repository", "..")).toAbsolutePath().normalize();

  /** How long {@link #terminate()} waits for the command to stop. */
  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

  private final ChildProcess process;

  private ShardlineProcess(ChildProcess process) {
    this.process = process;
  }

  /** Starts {@code ./shardline args...} in {@code workingDirectory} with extra environment. */
  public static ShardlineProcess start(
      Path workingDirectory, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(REPOSITORY.resolve("shardline").toString());
    command.addAll(List.of(args));
    return new ShardlineProcess(
        ChildProcess.builder(command)
            .name("shardline")
            .directory(workingDirectory)
            .environment(env)
            .start());
  }

  /** Waits until a line matches {@code condition}; fails after {@code timeout}. */
  public String awaitLine(Predicate<String> condition, Duration timeout)
      throws InterruptedException {
    return process.awaitLine(condition, timeout);
  }

  /** Waits for the process to end and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    return process.awaitExit(timeout);
  }

  /** SIGTERM, as a service manager stops a program; returns once it has exited. */
  public void terminate() throws InterruptedException {
    process.terminate(STOP_TIMEOUT);
  }

  /**
   * SIGKILL to the command's own process only, as {@code kill -9 PID} would: what it started is
   * left to notice by itself. Returns once the command's process has exited.
   */
  public void killCommandOnly() throws InterruptedException {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    process.awaitExit(STOP_TIMEOUT);
  }

  /** Everything printed so far (stdout and stderr). */
  public String output() {
    return process.output();
  }

  @Override
  public void close() {
    process.close();
  }
}
