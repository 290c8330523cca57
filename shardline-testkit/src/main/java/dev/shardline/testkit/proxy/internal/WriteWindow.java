package dev.shardline.testkit.proxy.internal;

import java.util.ArrayDeque;

/**
 * A shard's write quota as a sliding window: at most {@code maxRecords} records and {@code
 * maxBytes} bytes accepted in any window of {@code windowNanos}. Exact (it remembers when it
 * accepted what), so a burst that arrives within one window gets exactly the quota, however the
 * burst is timed. Not thread-safe: {@link QuotaBook} guards it.
 */
final class WriteWindow {
  private static final class Slot {
    final long at;
    long records;
    long bytes;

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

  /** Accepts one record of {@code size} bytes at {@code now} if the window has room for it. */
  boolean tryAccept(long now, long size) {
    expire(now);
    if (records + 1 > maxRecords || bytes + size > maxBytes) {
      return false;
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
    return true;
  }

  private void expire(long now) {
    Slot first;
    while ((first = slots.peekFirst()) != null && now - first.at >= windowNanos) {
      slots.removeFirst();
      records -= first.records;
      bytes -= first.bytes;
    }
  }
}
