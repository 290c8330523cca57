package dev.shardline.flink.internal;

import dev.shardline.api.ProcessingTimeService;
import java.util.PriorityQueue;

/**
 * Timers for a writer that lives inside a source reader (the reader's dead-letter writer): Flink
 * gives a source reader no timer service, so due timers run when the reader's thread calls {@link
 * #runDue()} (at each poll and before each snapshot). Callbacks thus run on the reader's thread,
 * between calls into the writer, as the contract asks; they may run later than due while the reader
 * waits for input, which only delays an age-based send (a checkpoint flushes anyway). Registration
 * from other threads is safe.
 */
public final class PolledTimers implements ProcessingTimeService {
  private final PriorityQueue<Entry> due = new PriorityQueue<>();
  private long sequence;
  private boolean closed;

  @Override
  public long getCurrentProcessingTime() {
    return System.currentTimeMillis();
  }

  @Override
  public synchronized Timer registerTimer(long timestampMillis, ProcessingTimeCallback callback) {
    if (closed) {
      return () -> {};
    }
    Entry entry = new Entry(timestampMillis, sequence++, callback);
    due.add(entry);
    return () -> entry.cancelled = true;
  }

  /**
   * Runs every timer due by now, in timestamp and registration order.
   *
   * @return how many callbacks ran
   */
  public int runDue() throws Exception {
    long now = getCurrentProcessingTime();
    int ran = 0;
    while (true) {
      Entry next;
      synchronized (this) {
        next = due.peek();
        if (closed || next == null || next.timestamp > now) {
          return ran;
        }
        due.poll();
      }
      if (!next.cancelled) {
        next.callback.onProcessingTime(next.timestamp);
        ran++;
      }
    }
  }

  /** Drops every pending timer; later registrations are ignored. */
  public synchronized void close() {
    closed = true;
    due.clear();
  }

  private static final class Entry implements Comparable<Entry> {
    private final long timestamp;
    private final long order;
    private final ProcessingTimeCallback callback;
    private volatile boolean cancelled;

    private Entry(long timestamp, long order, ProcessingTimeCallback callback) {
      this.timestamp = timestamp;
      this.order = order;
      this.callback = callback;
    }

    @Override
    public int compareTo(Entry other) {
      int byTime = Long.compare(timestamp, other.timestamp);
      return byTime != 0 ? byTime : Long.compare(order, other.order);
    }
  }
}
