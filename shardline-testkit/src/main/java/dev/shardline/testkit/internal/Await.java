package dev.shardline.testkit.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes. */
public final class Await {
  private Await() {}

  /**
   * Waits until {@code condition} returns true, checking every {@code pollInterval}. Exceptions the
   * condition throws count as "not yet"; the last one is attached to the timeout error.
   *
   * @throws IllegalStateException naming {@code what} when {@code timeout} passes first
   */
  public static void until(
      String what, Duration timeout, Duration pollInterval, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "Timed out after " + timeout.toMillis() + " ms waiting for " + what, last);
      }
      try {
        Thread.sleep(pollInterval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + what, e);
      }
    }
  }
}
