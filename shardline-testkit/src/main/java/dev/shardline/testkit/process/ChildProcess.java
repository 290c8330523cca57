package dev.shardline.testkit.process;

import dev.shardline.testkit.internal.ProcessOutput;
import dev.shardline.testkit.internal.ProcessTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A program a test runs as a child process, to crash it (SIGKILL), stop it (SIGTERM) and watch its
 * output: stdout and stderr go to one log file, whose tail every failed wait puts in its message.
 * Start one with {@link ChildJvm#builder(Class)} (a main class of the test classpath in a new JVM)
 * or {@link #builder(List)} (any command):
 *
 * <pre>{@code
 * try (ChildProcess child =
 *     ChildJvm.builder(PipelineMain.class).arguments("in", "out").logFile(dir.resolve("run.log")).start()) {
 *   child.await("a checkpoint", Duration.ofSeconds(30), () -> checkpointCount() > 0);
 *   child.kill();                                      // SIGKILL, returns once it is gone
 * }
 * }</pre>
 *
 * <p><b>Never left running.</b> {@link #close()} kills the process (and any process it started) if
 * it still runs, so a {@code try}-with-resources block or an {@code @AfterEach} leaves nothing
 * behind even when the test fails; a JVM shutdown hook kills every child not closed. A test JVM
 * killed outright (SIGKILL) runs no hook: for that case the child's standard input is a pipe this
 * JVM never writes to and never closes, which ends only when this JVM is gone. A {@link ChildJvm}
 * watches it and halts at its end; any other program must do the same to be covered (or not read
 * standard input at all, and be killed by other means).
 *
 * <p>Thread-safe.
 */
public final class ChildProcess implements AutoCloseable {
  /** How many log lines failure messages carry. */
  public static final int LOG_TAIL_LINES = 40;

  private static final Duration POLL_INTERVAL = Duration.ofMillis(10);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
  private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> List.copyOf(LIVE).forEach(ChildProcess::close), "shardline-child-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path logFile;
  private final boolean deleteLog;
  private volatile boolean failed;
  private boolean closed; // guarded by this

  private ChildProcess(String name, Process process, Path logFile, boolean deleteLog) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.deleteLog = deleteLog;
  }

  /** A builder for {@code command} (the program, then its arguments). */
  public static Builder builder(List<String> command) {
    return new Builder(command);
  }

  /** A builder for {@code command} (the program, then its arguments). */
  public static Builder builder(String... command) {
    return new Builder(List.of(command));
  }

  /** What this child is, as given to {@link Builder#name(String)}. */
  public String name() {
    return name;
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the child still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The file that receives the child's stdout and stderr. */
  public Path logFile() {
    return logFile;
  }

  /** Every line the child has written so far (stdout and stderr, as they interleaved). */
  public List<String> logLines() {
    return ProcessOutput.lines(logFile);
  }

  /** Everything the child has written so far, lines joined with {@code \n}. */
  public String output() {
    return String.join("\n", logLines());
  }

  /** The last {@code lines} lines the child wrote, for assertion messages; never throws. */
  public String logTail(int lines) {
    return ProcessOutput.tail(logFile, lines);
  }

  /** The last {@value #LOG_TAIL_LINES} lines the child wrote, for assertion messages. */
  public String logTail() {
    return logTail(LOG_TAIL_LINES);
  }

  /** What is awaited; may fail the wait at once by throwing. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Checks {@code condition} every 10 ms until it holds.
   *
   * @throws AssertionError naming {@code what}, with the log tail, if the child exits first or
   *     {@code timeout} passes; an exception of the condition is thrown as it is
   */
  public void await(String what, Duration timeout, Condition condition) throws Exception {
    await(what, timeout, POLL_INTERVAL, condition);
  }

  /** As {@link #await(String, Duration, Condition)}, checking every {@code pollInterval}. */
  public void await(String what, Duration timeout, Duration pollInterval, Condition condition)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (!process.isAlive()) {
        throw failure(
            this + " exited with code " + process.exitValue() + " while waiting for " + what);
      }
      if (System.nanoTime() - deadline > 0) {
        throw failure("Timed out after " + timeout + " waiting for " + what + " from " + this);
      }
      Thread.sleep(pollInterval.toMillis());
    }
  }

  /**
   * Waits until the child writes a line that matches {@code line} and returns the first such line.
   *
   * @throws AssertionError with the log tail if the child exits without writing one, or {@code
   *     timeout} passes
   */
  public String awaitLine(Predicate<String> line, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean exited = !process.isAlive(); // read before the log: it holds all output then
      for (String candidate : logLines()) {
        if (line.test(candidate)) {
          return candidate;
        }
      }
      if (exited) {
        throw failure(this + " exited with code " + process.exitValue() + " without such a line");
      }
      if (System.nanoTime() - deadline > 0) {
        throw failure("No such line from " + this + " within " + timeout);
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  /**
   * Waits until the child exits and returns its exit code.
   *
   * @throws AssertionError with the log tail if it still runs after {@code timeout}
   */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw failure(this + " still running after " + timeout);
    }
    return process.exitValue();
  }

  /**
   * SIGTERM, as a service manager stops a program (shutdown hooks run), then waits until it exits.
   * The pipes stay open: what the child prints while it stops is in the log, and a {@link ChildJvm}
   * does not take its standard input's end for its parent's death.
   *
   * @return the exit code (143 for a JVM that exits through its shutdown hooks on SIGTERM)
   * @throws AssertionError with the log tail if it still runs after {@code timeout} (it is left
   *     running for {@link #close()} to kill)
   */
  public int terminate(Duration timeout) throws InterruptedException {
    // ProcessHandle.destroy sends SIGTERM only; Process.destroy would also close the pipes.
    process.toHandle().destroy();
    return awaitExit(timeout);
  }

  /**
   * SIGKILL, as a crash would, to the child and every process it started; returns once they are
   * gone.
   *
   * @throws AssertionError if one is still there after 10 s
   */
  public void kill() throws InterruptedException {
    try {
      ProcessTree.kill(process.toHandle(), KILL_TIMEOUT);
    } catch (TimeoutException e) {
      throw failure(e.getMessage() + ": " + this);
    }
  }

  /**
   * Kills the child if it still runs (see {@link #kill()}) and deletes the log if this class chose
   * it ({@link Builder#logFile(Path)} not set), unless a wait of this object failed: then the log
   * is kept for diagnosis. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      kill();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } catch (AssertionError e) {
      failed = true;
    } finally {
      LIVE.remove(this);
    }
    try {
      process.getOutputStream().close(); // the lifeline, of no more use
    } catch (IOException e) {
      // nothing to release then
    }
    if (deleteLog && !failed) {
      try {
        Files.deleteIfExists(logFile);
      } catch (IOException e) {
        // a temp file left behind is harmless
      }
    }
  }

  private AssertionError failure(String message) {
    failed = true;
    return new AssertionError(
        message + "; log " + logFile + ", last lines:\n" + logTail(LOG_TAIL_LINES));
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }

  /** Options of a child process; not thread-safe. */
  public static final class Builder {
    private List<String> command;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String name;
    private Path directory;
    private Path logFile;

    private Builder(List<String> command) {
      command(command);
      this.name = Path.of(command.get(0)).getFileName().toString();
    }

    /** Replaces the command; for {@link ChildJvm}, which knows it only when it starts. */
    Builder command(List<String> command) {
      if (command.isEmpty()) {
        throw new IllegalArgumentException("command cannot be empty");
      }
      this.command = List.copyOf(command);
      return this;
    }

    /** What the child is, for messages and the default log file's name; default the program's. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name cannot be null");
      return this;
    }

    /** The working directory; default this JVM's. */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory cannot be null");
      return this;
    }

    /** Adds (or replaces) a variable in the environment inherited from this JVM. */
    public Builder environment(String key, String value) {
      environment.put(
          Objects.requireNonNull(key, "key cannot be null"),
          Objects.requireNonNull(value, "value cannot be null"));
      return this;
    }

    /** Adds (or replaces) variables in the environment inherited from this JVM. */
    public Builder environment(Map<String, String> variables) {
      variables.forEach(this::environment);
      return this;
    }

    /**
     * Where stdout and stderr go (created or truncated; kept after {@link #close()}); default a new
     * file {@code shardline-<name>-*.log} in the temp directory, deleted by {@code close()} unless
     * a wait failed.
     */
    public Builder logFile(Path logFile) {
      this.logFile = Objects.requireNonNull(logFile, "logFile cannot be null");
      return this;
    }

    /**
     * Starts the process and returns at once.
     *
     * @throws UncheckedIOException if it cannot be started, or the log file cannot be created
     */
    public ChildProcess start() {
      try {
        boolean ownLog = logFile == null;
        Path log = ownLog ? Files.createTempFile("shardline-" + name + "-", ".log") : logFile;
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        if (directory != null) {
          builder.directory(directory.toFile());
        }
        builder.environment().putAll(environment);
        // The pipe's writing end (process.getOutputStream()) stays open, unused, while this JVM
        // lives: the lifeline (see the class comment). LIVE keeps it from being collected.
        ChildProcess child = new ChildProcess(name, builder.start(), log, ownLog);
        LIVE.add(child);
        return child;
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot start " + name + ": " + String.join(" ", command), e);
      }
    }
  }
}
