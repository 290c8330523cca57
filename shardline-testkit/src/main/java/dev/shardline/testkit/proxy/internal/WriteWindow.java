package dev.shardline.testkit.proxy.internal;

import java.util.ArrayDeque;

/**
 * A shard's write quota as a sliding window: at most {@code maxRecords} records and {@code
 * maxBytes} bytes accepted in any window of {@code windowNanos}. Exact (it remembers when it
 * accepted what), so a burst that arrives within one window gets exactly the quota, however the
 * burst is timed. Not thread-safe: {@link QuotaBook} guards it.
 */
final class WriteWindow {
  /** What the window accepted at one instant; a handle to {@link #refund} a record from. */
  static final class Slot {
    final long at;
    long records;
    long bytes;
    boolean expired;

    Slot(long at) {
      this.at = at;
    }
  }

  private final long maxRecords;
  private final long maxBytes;
  private final long windowNanos;
  private final ArrayDeque<Slot> slots = new ArrayDeque<>();
  private long records;
  private long bytes;

  WriteWindow(long maxRecords, long maxBytes, long windowNanos) {
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
    this.windowNanos = windowNanos;
  }

  /**
   * Accepts one record of {@code size} bytes at {@code now} if the window has room for it.
   *
   * @return where it was counted, to {@linkplain #refund refund} it; null if it was not accepted
   */
  Slot tryAccept(long now, long size) {
    expire(now);
    if (records + 1 > maxRecords || bytes + size > maxBytes) {
      return null;
    }
    Slot last = slots.peekLast();
    if (last == null || last.at != now) {
      last = new Slot(now);
      slots.addLast(last);
    }
    last.records++;
    last.bytes += size;
    records++;
    bytes += size;
    return last;
  }

  /**
   * Takes back one accepted record of {@code size} bytes (it was not written after all). Nothing to
   * do once its slot has left the window.
   */
  void refund(Slot slot, long size) {
    if (slot.expired) {
      return;
    }
    slot.records--;
    slot.bytes -= size;
    records--;
    bytes -= size;
  }

  private void expire(long now) {
    Slot first;
    while ((first = slots.peekFirst()) != null && now - first.at >= windowNanos) {
      slots.removeFirst();
      first.expired = true;
      records -= first.records;
      bytes -= first.bytes;
    }
  }
}
