package dev.shardline.runtime.internal;

import dev.shardline.api.ProcessingTimeService;
import dev.shardline.time.Time;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The embedded runner's {@link ProcessingTimeService} for one writer. Timers are due by the
 * pipeline's {@link Time}; when the earliest is due, one message goes into the worker's mailbox,
 * which fires every timer due by then on the worker's thread, between records or checkpoints (a
 * checkpoint is one message, so no timer fires inside one). The pipeline's timer thread only
 * decides when to post that message: it looks at the earliest timer when it should be due, and at
 * least every {@link #MAX_CHECK_MILLIS} ms ({@link #MAX_CHECK_MILLIS_SYSTEM_TIME} on the system
 * clock), so a manual clock that a test moves forward makes timers fire within that much real time.
 * Thread-safe.
 *
 * <p>{@link #close()} (the writer closes, or the worker took its final checkpoint) drops every
 * timer and ignores later ones; a restart makes new workers with new services, so no timer of a
 * closed writer reaches a restored one.
 */
final class MailboxTimerService implements ProcessingTimeService {

  /** The longest the timer thread waits before it compares the earliest timer with the clock. */
  static final long MAX_CHECK_MILLIS = 100;

  /**
   * The same on the system clock, where the scheduler's delay is the clock's: only a wall-clock
   * jump can make a timer due earlier, so the thread need not wake up ten times a second.
   */
  static final long MAX_CHECK_MILLIS_SYSTEM_TIME = 10_000;

  private final Time time;
  private final Consumer<Action> mailbox;
  private final ScheduledExecutorService scheduler;

  private final Object lock = new Object();
  // guarded by lock
  private final PriorityQueue<Entry> timers =
      new PriorityQueue<>(
          (a, b) ->
              a.timestamp != b.timestamp
                  ? Long.compare(a.timestamp, b.timestamp)
                  : Long.compare(a.sequence, b.sequence));
  private long sequence;
  private boolean closed;
  private boolean firePosted;
  private ScheduledFuture<?> check;

  /**
   * @param mailbox posts an action to the writer's worker thread
   * @param scheduler the pipeline's timer thread; only decides when to post
   */
  MailboxTimerService(Time time, Consumer<Action> mailbox, ScheduledExecutorService scheduler) {
    this.time = time;
    this.mailbox = mailbox;
    this.scheduler = scheduler;
  }

  @Override
  public long getCurrentProcessingTime() {
    return time.milliseconds();
  }

  @Override
  public Timer registerTimer(long timestampMillis, ProcessingTimeCallback callback) {
    if (callback == null) {
      throw new NullPointerException("callback cannot be null");
    }
    synchronized (lock) {
      Entry entry = new Entry(timestampMillis, sequence++, callback);
      if (closed) {
        entry.cancelled = true;
        return entry;
      }
      timers.add(entry);
      if (timers.peek() == entry) {
        schedule();
      }
      return entry;
    }
  }

  /** Drops every pending timer; later ones never fire. Idempotent; any thread. */
  void close() {
    synchronized (lock) {
      closed = true;
      timers.clear();
      if (check != null) {
        check.cancel(false);
        check = null;
      }
    }
  }

  /** How many timers wait to fire (for tests). */
  int pendingTimers() {
    synchronized (lock) {
      return timers.size();
    }
  }

  /**
   * Posts the firing message if the earliest timer is due, else makes the timer thread look again
   * when it will be (at most {@link #MAX_CHECK_MILLIS} from now). Holding the lock.
   */
  private void schedule() {
    if (closed || firePosted) {
      return; // the posted message schedules again once it ran
    }
    Entry first = timers.peek();
    if (first == null) {
      if (check != null) {
        check.cancel(false);
        check = null;
      }
      return;
    }
    long delay = first.timestamp - time.milliseconds();
    if (delay <= 0) {
      firePosted = true;
      if (check != null) {
        check.cancel(false);
        check = null;
      }
      mailbox.accept(this::fireDue);
      return;
    }
    long wanted =
        Math.min(delay, time == Time.SYSTEM ? MAX_CHECK_MILLIS_SYSTEM_TIME : MAX_CHECK_MILLIS);
    if (check != null) {
      if (!check.isDone() && check.getDelay(TimeUnit.MILLISECONDS) <= wanted) {
        return;
      }
      check.cancel(false);
    }
    try {
      check = scheduler.schedule(this::onCheck, wanted, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      check = null; // the run is over: its workers read no more messages
    }
  }

  /** On the timer thread. */
  private void onCheck() {
    synchronized (lock) {
      check = null;
      schedule();
    }
  }

  /**
   * On the worker's thread: fires, in order, every timer due now that was registered before this
   * message ran. One that a callback registers for the past fires in the next message, after what
   * the mailbox already holds, so a callback that keeps registering cannot starve the worker.
   */
  private void fireDue() throws Exception {
    long now = time.milliseconds();
    long registeredBefore;
    synchronized (lock) {
      registeredBefore = sequence;
    }
    try {
      while (true) {
        Entry next;
        synchronized (lock) {
          if (closed) {
            return;
          }
          next = timers.peek();
          if (next == null || next.timestamp > now || next.sequence >= registeredBefore) {
            return;
          }
          timers.poll();
        }
        next.callback.onProcessingTime(next.timestamp);
      }
    } finally {
      synchronized (lock) {
        firePosted = false;
        schedule();
      }
    }
  }

  private final class Entry implements Timer {
    final long timestamp;
    final long sequence;
    final ProcessingTimeCallback callback;
    // guarded by lock
    boolean cancelled;

    Entry(long timestamp, long sequence, ProcessingTimeCallback callback) {
      this.timestamp = timestamp;
      this.sequence = sequence;
      this.callback = callback;
    }

    @Override
    public void cancel() {
      synchronized (lock) {
        if (!cancelled) {
          cancelled = true;
          boolean wasFirst = timers.peek() == this;
          timers.remove(this);
          if (wasFirst) {
            schedule();
          }
        }
      }
    }
  }
}
