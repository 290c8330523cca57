package dev.shardline.testkit.proxy.internal;

import dev.shardline.testkit.proxy.ShardQuotas;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The quota state of every shard the proxy has seen, on an injected monotonic nanosecond clock
 * (tests pass a manual one). Thread-safe: one lock, held for microseconds per request, which also
 * makes the admission of one request's records atomic.
 */
public final class QuotaBook {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  private final ShardQuotas quotas;
  private final LongSupplier clock;
  private final Map<ShardRef, WriteWindow> writes = new HashMap<>();
  private final Map<ShardRef, ReadBudget> reads = new HashMap<>();

  public QuotaBook(ShardQuotas quotas, LongSupplier clock) {
    this.quotas = Objects.requireNonNull(quotas, "quotas cannot be null");
    this.clock = Objects.requireNonNull(clock, "clock cannot be null");
  }

  public ShardQuotas quotas() {
    return quotas;
  }

  /**
   * Decides, in order, which records the write quotas accept. Record {@code i} goes to {@code
   * shards.get(i)} and costs {@code sizes[i]} bytes (data plus partition key). A record that does
   * not fit is rejected without taking quota, so a later, smaller record may still fit.
   *
   * @return per record, whether it was accepted
   */
  public boolean[] admitWrites(List<ShardRef> shards, long[] sizes) {
    return admit(shards, sizes).accepted();
  }

  /**
   * {@link #admitWrites}, with a handle to give the accepted records' quota back when the server
   * does not write them after all.
   */
  public synchronized WriteAdmission admit(List<ShardRef> shards, long[] sizes) {
    if (shards.size() != sizes.length) {
      throw new IllegalArgumentException(shards.size() + " shards for " + sizes.length + " sizes");
    }
    long now = clock.getAsLong();
    WriteWindow[] windows = new WriteWindow[sizes.length];
    WriteWindow.Slot[] slots = new WriteWindow.Slot[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      windows[i] =
          writes.computeIfAbsent(
              shards.get(i),
              s ->
                  new WriteWindow(
                      quotas.writeRecordsPerSecond(), quotas.writeBytesPerSecond(), SECOND));
      slots[i] = windows[i].tryAccept(now, sizes[i]);
    }
    return new WriteAdmission(windows, slots, sizes.clone());
  }

  /** Which records of one request the write quotas accepted, and their quota to give back. */
  public final class WriteAdmission {
    private final WriteWindow[] windows;
    private final WriteWindow.Slot[] slots;
    private final long[] sizes;
    private boolean refunded; // guarded by the QuotaBook

    private WriteAdmission(WriteWindow[] windows, WriteWindow.Slot[] slots, long[] sizes) {
      this.windows = windows;
      this.slots = slots;
      this.sizes = sizes;
    }

    /** Per record, whether it was accepted. */
    public boolean[] accepted() {
      boolean[] accepted = new boolean[slots.length];
      for (int i = 0; i < slots.length; i++) {
        accepted[i] = slots[i] != null;
      }
      return accepted;
    }

    /**
     * Gives the accepted records' quota back: the server failed the request as a whole, so the
     * client's retry must not be charged twice. Idempotent; after {@link #reset()} it changes
     * nothing.
     */
    public void refund() {
      synchronized (QuotaBook.this) {
        if (refunded) {
          return;
        }
        refunded = true;
        for (int i = 0; i < slots.length; i++) {
          if (slots[i] != null) {
            windows[i].refund(slots[i], sizes[i]);
          }
        }
      }
    }
  }

  /** Admits one GetRecords call on {@code shard} unless it is over its call or byte quota. */
  public synchronized boolean admitRead(ShardRef shard) {
    long now = clock.getAsLong();
    return reads
        .computeIfAbsent(
            shard,
            s ->
                new ReadBudget(
                    quotas.readCallsPerSecond(), quotas.readBytesPerSecond(), SECOND, now))
        .tryAdmit(now);
  }

  /** Charges the record bytes an admitted GetRecords call returned to {@code shard}. */
  public synchronized void chargeRead(ShardRef shard, long bytes) {
    ReadBudget budget = reads.get(shard);
    if (budget != null) {
      budget.charge(clock.getAsLong(), bytes);
    }
  }

  /** Forgets the quota state of every shard of {@code stream} (it was deleted). */
  public synchronized void forget(String stream) {
    writes.keySet().removeIf(shard -> shard.stream().equals(stream));
    reads.keySet().removeIf(shard -> shard.stream().equals(stream));
  }

  /** Gives every shard its full quota back, as if it had been idle for a while. */
  public synchronized void reset() {
    writes.clear();
    reads.clear();
  }
}
