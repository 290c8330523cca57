package dev.shardline.kinesis.source.reader;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A fetcher's timer that wakes its reader when the next call is due: one pending timer at a time,
 * which completes whichever future the reader waits on when it fires. A reader makes a new future
 * each time it waits; a timer per wait would pile up (a 35 s silence check scheduled at every
 * fan-out event left thousands pending). A timer that fires early or for nothing only wakes the
 * reader once more. {@link #at} is called on the reader's thread.
 */
final class WakeUp {
  private volatile CompletableFuture<Void> target;
  // when the pending timer fires, on the reader's clock; Long.MIN_VALUE when none was scheduled
  private long pendingAtNanos = Long.MIN_VALUE;

  /** Completes {@code future} at {@code atNanos} (on the reader's clock, now {@code nowNanos}). */
  void at(long atNanos, long nowNanos, CompletableFuture<Void> future) {
    target = future;
    if (pendingAtNanos > nowNanos && pendingAtNanos <= atNanos) {
      return; // the pending timer fires first, and completes the future waited on then
    }
    pendingAtNanos = atNanos;
    long delay = Math.max(0, atNanos - nowNanos);
    // completed on the JDK's delay-scheduler thread itself: the default executor hands the task on
    // to the common pool, which on a machine with 2 cores or fewer is a new thread per task
    CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, Runnable::run)
        .execute(() -> target.complete(null));
  }
}
