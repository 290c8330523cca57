package dev.shardline.runtime;

import java.time.Duration;

/** Waits in tests for what another thread or process brings about; the one polling helper. */
final class Await {
  /** What is awaited; may fail the test at once by throwing (e.g. a child process died). */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }

  private Await() {}

  /**
   * Checks {@code condition} every 5 ms until it holds; fails naming {@code what} after {@code
   * timeout}. The timeout only bounds a broken run: the condition itself must not depend on speed.
   */
  static void until(String what, Duration timeout, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
