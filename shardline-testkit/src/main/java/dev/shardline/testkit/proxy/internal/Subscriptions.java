package dev.shardline.testkit.proxy.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The SubscribeToShard book of a proxy: the call quota (one call per second per consumer and shard,
 * on the proxy's quota clock), the active subscription of each consumer and shard (a new one takes
 * over: the old one is ended), when the proxy last ended one (kinesis-local takes a moment to
 * notice), and the refusals armed per shard. Thread-safe.
 */
public final class Subscriptions {
  static final Duration CALL_INTERVAL = Duration.ofSeconds(1);

  /** A relayed subscription the book can end. */
  public interface Active {
    /** Ends it: as a network drop ({@code drop}), or as AWS ends one that another took over. */
    void end(boolean drop);
  }

  private final LongSupplier clock;
  private final Map<SubscriptionKey, Long> lastAdmitted = new HashMap<>();
  private final Map<SubscriptionKey, Active> active = new HashMap<>();
  private final Map<SubscriptionKey, Long> lastEnded = new HashMap<>();
  private final Map<ShardRef, Integer> refusals = new HashMap<>();

  public Subscriptions(LongSupplier clock) {
    this.clock = clock;
  }

  /** Whether a SubscribeToShard of {@code key} is within the quota; if so, it counts. */
  public synchronized boolean admit(SubscriptionKey key) {
    long now = clock.getAsLong();
    Long last = lastAdmitted.get(key);
    if (last != null && now - last < CALL_INTERVAL.toNanos()) {
      return false;
    }
    lastAdmitted.put(key, now);
    return true;
  }

  /** Makes {@code subscription} the active one of {@code key}, ending the one it replaces. */
  public void takeOver(SubscriptionKey key, Active subscription) {
    Active old;
    synchronized (this) {
      old = active.put(key, subscription);
      if (old != null) {
        lastEnded.put(key, System.nanoTime());
      }
    }
    if (old != null && old != subscription) {
      old.end(false);
    }
  }

  /** {@code subscription} of {@code key} is over (for whatever reason). */
  public synchronized void ended(SubscriptionKey key, Active subscription) {
    active.remove(key, subscription);
    lastEnded.put(key, System.nanoTime());
  }

  /**
   * Whether a subscription of {@code key} ended within {@code window} (system time): the server may
   * not have noticed yet.
   */
  public synchronized boolean endedWithin(SubscriptionKey key, Duration window) {
    Long ended = lastEnded.get(key);
    return ended != null && System.nanoTime() - ended < window.toNanos();
  }

  /** Ends, as a network drop, every active subscription of {@code shard}; how many there were. */
  public int drop(ShardRef shard) {
    List<Active> dropped = new ArrayList<>();
    synchronized (this) {
      active.forEach(
          (key, subscription) -> {
            if (key.shard().equals(shard)) {
              dropped.add(subscription);
            }
          });
    }
    dropped.forEach(subscription -> subscription.end(true));
    return dropped.size();
  }

  /** The next {@code times} SubscribeToShard calls of {@code shard} are refused. */
  public synchronized void refuseNext(ShardRef shard, int times) {
    refusals.merge(shard, times, Integer::sum);
  }

  /** Whether this SubscribeToShard of {@code shard} is to be refused; consumes one refusal. */
  public synchronized boolean takeRefusal(ShardRef shard) {
    Integer left = refusals.get(shard);
    if (left == null) {
      return false;
    }
    if (left <= 1) {
      refusals.remove(shard);
    } else {
      refusals.put(shard, left - 1);
    }
    return true;
  }

  public synchronized int pendingRefusals() {
    return refusals.values().stream().mapToInt(Integer::intValue).sum();
  }

  public synchronized void clearRefusals() {
    refusals.clear();
  }

  /** Gives every consumer and shard its call quota back. */
  public synchronized void resetQuota() {
    lastAdmitted.clear();
  }

  /** How many subscriptions are active now. */
  public synchronized int activeCount(ShardRef shard) {
    return (int)
        active.keySet().stream().filter(k -> shard == null || k.shard().equals(shard)).count();
  }
}
