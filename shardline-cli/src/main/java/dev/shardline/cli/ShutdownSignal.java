package dev.shardline.cli;

/**
 * Whether the JVM is shutting down (Ctrl-C, SIGTERM), so that the command neither calls {@code
 * System.exit} (which blocks during a shutdown) nor starts new work. Thread-safe.
 */
final class ShutdownSignal {
  private static volatile boolean shuttingDown;

  private ShutdownSignal() {}

  static void markShuttingDown() {
    shuttingDown = true;
  }

  static boolean isShuttingDown() {
    return shuttingDown;
  }
}
