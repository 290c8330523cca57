package dev.shardline.testkit.proxy.internal;

import java.util.ArrayDeque;

/**
 * A shard's read quota: at most {@code maxCalls} GetRecords calls in any window of {@code
 * windowNanos}, and a byte budget refilled at {@code bytesPerWindow} per window up to that much. As
 * on AWS, a call is served while the budget is positive and may take it below zero (a large read
 * still returns all its data); the calls after it are throttled until the budget has refilled above
 * zero. Not thread-safe: {@link QuotaBook} guards it.
 */
final class ReadBudget {
  private final int maxCalls;
  private final double bytesPerWindow;
  private final long windowNanos;
  private final ArrayDeque<Long> calls = new ArrayDeque<>();
  private double balance;
  private long refilledAt;

  ReadBudget(int maxCalls, long bytesPerWindow, long windowNanos, long now) {
    this.maxCalls = maxCalls;
    this.bytesPerWindow = bytesPerWindow;
    this.windowNanos = windowNanos;
    this.balance = bytesPerWindow;
    this.refilledAt = now;
  }

  /** Admits a call at {@code now} (and counts it) unless either limit is reached. */
  boolean tryAdmit(long now) {
    Long first;
    while ((first = calls.peekFirst()) != null && now - first >= windowNanos) {
      calls.removeFirst();
    }
    refill(now);
    if (calls.size() >= maxCalls || balance <= 0) {
      return false;
    }
    calls.addLast(now);
    return true;
  }

  /** Takes {@code bytes} a served call returned off the budget. */
  void charge(long now, long bytes) {
    refill(now);
    balance -= bytes;
  }

  /** The byte budget at {@code now}; negative after a read larger than the budget. */
  double balance(long now) {
    refill(now);
    return balance;
  }

  private void refill(long now) {
    long elapsed = now - refilledAt;
    if (elapsed > 0) {
      balance = Math.min(bytesPerWindow, balance + bytesPerWindow * elapsed / windowNanos);
      refilledAt = now;
    }
  }
}
