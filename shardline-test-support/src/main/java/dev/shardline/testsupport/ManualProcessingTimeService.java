package dev.shardline.testsupport;

import dev.shardline.api.ProcessingTimeService;
import dev.shardline.time.ManualTime;
import dev.shardline.time.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link ProcessingTimeService} whose timers fire only when a test calls {@link #fireDueTimers()}
 * , on the calling thread: for driving a writer directly (the test's thread is the writer's
 * thread), with a {@link ManualTime} or the system clock. Thread-safe; timers of equal timestamps
 * fire in registration order.
 *
 * <pre>{@code
 * ManualTime time = new ManualTime();
 * ManualProcessingTimeService timers = new ManualProcessingTimeService(time);
 * // hand timers to the writer through its SinkContext, write, then:
 * time.advance(Duration.ofSeconds(1));
 * timers.fireDueTimers();
 * }</pre>
 */
public final class ManualProcessingTimeService implements ProcessingTimeService {
  private final Time time;
  private final PriorityQueue<Entry> timers =
      new PriorityQueue<>(
          (a, b) ->
              a.timestamp != b.timestamp
                  ? Long.compare(a.timestamp, b.timestamp)
                  : Long.compare(a.sequence, b.sequence));
  private long sequence;
  private boolean closed;

  /** Timers due by {@code time}'s {@link Time#milliseconds()}. */
  public ManualProcessingTimeService(Time time) {
    this.time = time;
  }

  @Override
  public long getCurrentProcessingTime() {
    return time.milliseconds();
  }

  @Override
  public synchronized Timer registerTimer(long timestampMillis, ProcessingTimeCallback callback) {
    Entry entry = new Entry(timestampMillis, sequence++, callback);
    if (!closed) {
      timers.add(entry);
    }
    return entry;
  }

  /**
   * Runs every timer due now, in order, on the calling thread, including those that callbacks
   * register due; returns how many ran. A callback's exception passes through (the timers after it
   * stay pending).
   */
  public int fireDueTimers() throws Exception {
    int fired = 0;
    while (true) {
      Entry next;
      synchronized (this) {
        next = timers.peek();
        if (next == null || next.timestamp > time.milliseconds()) {
          return fired;
        }
        timers.poll();
      }
      if (!next.cancelled) {
        fired++;
        next.callback.onProcessingTime(next.timestamp);
      }
    }
  }

  /** The timestamps of the timers not fired or cancelled yet, in firing order. */
  public synchronized List<Long> pendingTimestamps() {
    List<Entry> sorted = new ArrayList<>(timers);
    sorted.sort(timers.comparator());
    List<Long> timestamps = new ArrayList<>();
    for (Entry entry : sorted) {
      if (!entry.cancelled) {
        timestamps.add(entry.timestamp);
      }
    }
    return timestamps;
  }

  /** Drops every pending timer and ignores later ones, as a runtime does when the writer closes. */
  public synchronized void close() {
    closed = true;
    timers.clear();
  }

  private static final class Entry implements Timer {
    final long timestamp;
    final long sequence;
    final ProcessingTimeCallback callback;
    volatile boolean cancelled;

    Entry(long timestamp, long sequence, ProcessingTimeCallback callback) {
      this.timestamp = timestamp;
      this.sequence = sequence;
      this.callback = callback;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }
}
