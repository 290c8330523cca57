package dev.shardline.testkit.kafka.internal;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One run of a broker, from its launch to its stop: a later restart is a new run. Implementations
 * are thread-safe.
 */
public interface RunningBroker {

  /** False once the broker has stopped, or its process has exited on its own. */
  boolean isAlive();

  /** Whether the run failed because a port it listens on was taken. */
  boolean failedToBind();

  /** What to show when the run fails: the log tail of a child JVM, or "". */
  String diagnostics();

  /** The broker's process id, for a child JVM. */
  OptionalLong pid();

  /** The broker's log file, for a child JVM. */
  Optional<Path> logFile();

  /**
   * Stops the broker gracefully and waits until it has stopped. Idempotent. A child JVM's log file
   * is deleted then, unless the run failed ({@link #markFailed()}, or the JVM exited on its own).
   */
  void stop();

  /**
   * The run failed (it did not become ready): keep what diagnoses it. Call before {@link #stop}.
   */
  default void markFailed() {}

  /**
   * Stops the broker at once, as a crash would (SIGKILL), and waits until it is gone.
   *
   * @throws UnsupportedOperationException for a broker inside this JVM
   */
  void kill();
}
