package dev.shardline.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server the testkit runs as a child process: its output goes to a log file in the temp
 * directory, and {@link #close()} stops the whole process tree (children first, then the process;
 * SIGTERM, then SIGKILL after a grace period) and deletes the log, unless the server failed (then
 * the log is kept for diagnosis). Every live instance is also stopped by a JVM shutdown hook, so a
 * test JVM that exits without closing leaves no server behind.
 *
 * <p>A test JVM killed outright (SIGKILL: a surefire fork timeout, a cancelled CI job) runs no
 * shutdown hook. For that case the child's standard input is a pipe from this JVM that is never
 * written to and never closed: it ends only when this JVM is gone, and the servers watch for that
 * end and exit (the node preload when {@value #STDIN_LIFELINE} is {@code 1}, which this class sets;
 * {@code ChildBrokerMain} for a Kafka broker). Thread-safe.
 */
public final class ServerProcess implements AutoCloseable {
  /**
   * The environment variable that tells a child its standard input is the lifeline described above
   * (a child run with another standard input, {@code /dev/null} say, must not exit at its end).
   */
  public static final String STDIN_LIFELINE = "SHARDLINE_TESTKIT_STDIN_LIFELINE";

  private static final Logger LOG = LoggerFactory.getLogger(ServerProcess.class);
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final Set<ServerProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> List.copyOf(LIVE).forEach(ServerProcess::close), "testkit-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path log;
  private volatile boolean failed;
  private volatile boolean killed;
  private boolean closed; // guarded by this

  private ServerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command}, sending its stdout and stderr to a log file in the temp directory, with
   * its standard input the lifeline pipe (see above).
   *
   * @param name what the server is, for logs and errors ("kinesis-local")
   */
  public static ServerProcess start(String name, ProcessBuilder command) {
    try {
      Path log = Files.createTempFile("shardline-" + name + "-", ".log");
      command
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.PIPE);
      command.environment().put(STDIN_LIFELINE, "1");
      // The pipe's writing end (process.getOutputStream()) stays open, unused, as long as this JVM
      // lives: closing it would make the server exit.
      Process process = command.start();
      ServerProcess server = new ServerProcess(name, process, log);
      LIVE.add(server);
      LOG.debug("Started {} (pid {}), log {}", name, process.pid(), log);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot start " + name + " with " + String.join(" ", command.command()), e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The server's log: deleted by {@link #close()} unless the server failed. */
  public Path logFile() {
    return log;
  }

  /** The last {@code lines} lines of the server's output, for error messages. */
  public String logTail(int lines) {
    return ProcessOutput.tail(log, lines);
  }

  /**
   * Every line the server has written so far (a stray invalid byte does not hide the rest).
   *
   * @throws UncheckedIOException if the log cannot be read
   */
  public List<String> logLines() {
    return ProcessOutput.lines(log);
  }

  /**
   * Marks the server failed (it did not start, or not in time): {@link #close()} keeps its log for
   * diagnosis. Call it before {@code close()}.
   */
  public void markFailed() {
    failed = true;
  }

  /**
   * Stops the process tree; waits until every process in it has exited. Deletes the log file,
   * unless the server failed: {@linkplain #markFailed() marked so}, or exited on its own before
   * this (not {@linkplain #kill() killed}). A kept log is named in an INFO message. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    LIVE.remove(this);
    if (!process.isAlive() && !killed) {
      failed = true; // it exited before anyone asked it to
    }
    List<ProcessHandle> tree = ProcessTree.of(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        handle.destroyForcibly();
      }
    }
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("{} process {} did not exit after SIGKILL", name, handle.pid());
      }
    }
    LOG.debug("Stopped {} (pid {})", name, process.pid());
    disposeLog();
  }

  /**
   * Kills the process tree at once (SIGKILL), as a crash would, waits until it is gone, then closes
   * this. A deliberate kill is no failure: the log goes as on {@link #close()}.
   *
   * @throws IllegalStateException if a process of the tree is still there after 10 s
   */
  public void kill() {
    killed = true;
    try {
      ProcessTree.kill(process.toHandle(), Duration.ofSeconds(10));
    } catch (InterruptedException | TimeoutException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException(this + " did not exit after SIGKILL", e);
    } finally {
      close();
    }
  }

  private void disposeLog() {
    if (failed) {
      LOG.info("Keeping the log of {}, which failed: {}", this, log);
      return;
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      LOG.debug("Cannot delete the log {} of {}", log, this, e);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
