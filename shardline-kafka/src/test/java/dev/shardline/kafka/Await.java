package dev.shardline.kafka;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling it, failing with a message after a timeout. */
final class Await {
  private Await() {}

  static void until(Duration timeout, BooleanSupplier condition, Supplier<String> description)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not true within " + timeout + ": " + description.get());
      }
      Thread.sleep(20);
    }
  }
}
