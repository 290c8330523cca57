package dev.shardline.kinesis.source.proxy;

import static dev.shardline.util.Preconditions.checkArgument;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs blocking calls (the synchronous SDK client's) on at most {@code limit} threads at once, and
 * answers each with a future. A thread is made only when a call finds no idle thread and the limit
 * allows, and ends after a minute without work: a pipeline reading 4 shards has at most about 4,
 * one reading 1,000 at most {@code limit}, whatever the number of shards. Calls beyond the limit
 * wait in turn. Futures complete on the thread that ran the call. Thread-safe.
 */
final class BlockingCalls implements AutoCloseable {
  private static final long IDLE_SECONDS = 60;

  private final String name;
  private final int limit;
  private final LinkedBlockingQueue<Call<?>> waiting = new LinkedBlockingQueue<>();
  private final Set<Thread> live = ConcurrentHashMap.newKeySet();
  private final AtomicInteger threads = new AtomicInteger();

  /** Threads waiting for a call, or about to (counted before a call's future completes). */
  private final AtomicInteger idle = new AtomicInteger();

  private final AtomicInteger made = new AtomicInteger();
  private volatile boolean closed;

  /**
   * @param name the threads' name prefix
   * @param limit the most calls running at once, 1 or more
   */
  BlockingCalls(String name, int limit) {
    checkArgument(limit >= 1, "limit must be 1 or more");
    this.name = name;
    this.limit = limit;
  }

  /** {@code call} run on one of the threads; after {@link #close()}, a cancelled future. */
  <T> CompletableFuture<T> submit(Supplier<T> call) {
    Call<T> c = new Call<>(call);
    waiting.add(c);
    if (closed) {
      cancelWaiting();
    } else if (waiting.size() > idle.get()) {
      startThread();
    }
    return c.result;
  }

  /** How many threads exist now. For tests and benchmarks. */
  int threads() {
    return threads.get();
  }

  /** Whether every thread has ended after {@link #close()}. */
  boolean ended() {
    return closed && threads.get() == 0;
  }

  private void startThread() {
    while (true) {
      int n = threads.get();
      if (n >= limit) {
        return;
      }
      if (threads.compareAndSet(n, n + 1)) {
        break;
      }
    }
    idle.incrementAndGet();
    Thread thread = new Thread(this::run, name + "-" + made.incrementAndGet());
    thread.setDaemon(true);
    live.add(thread);
    thread.start();
  }

  /** A thread: runs waiting calls, and ends after a minute without one, or when closed. */
  private void run() {
    try {
      while (!closed) {
        Call<?> call = waiting.poll(IDLE_SECONDS, TimeUnit.SECONDS);
        if (call == null) {
          break;
        }
        idle.decrementAndGet();
        call.compute();
        // idle again before the future completes: a call its caller makes at once, on being
        // answered, finds this thread instead of making another
        idle.incrementAndGet();
        call.publish();
      }
    } catch (InterruptedException e) {
      // closing
    } finally {
      idle.decrementAndGet();
      threads.decrementAndGet();
      live.remove(Thread.currentThread());
    }
    // a call added as this thread timed out found it idle: make one for it
    if (closed) {
      cancelWaiting();
    } else if (waiting.size() > idle.get()) {
      startThread();
    }
  }

  private void cancelWaiting() {
    Call<?> call;
    while ((call = waiting.poll()) != null) {
      call.result.completeExceptionally(new CancellationException("the Kinesis client is closed"));
    }
  }

  /**
   * Cancels the calls not started yet and interrupts the running ones (the SDK ends an interrupted
   * call with an {@code AbortedException}); returns without waiting for them.
   */
  @Override
  public void close() {
    closed = true;
    cancelWaiting();
    live.forEach(Thread::interrupt);
  }

  /**
   * Waits at most {@code timeout} for the threads to end after {@link #close()} (a running call
   * ends once its client closed its connection); an interrupt is kept.
   */
  void awaitEnd(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      for (Thread thread : live) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        thread.join(Math.max(1, left / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Call<T> {
    final Supplier<T> call;
    final CompletableFuture<T> result = new CompletableFuture<>();
    T value;
    Throwable error;

    Call(Supplier<T> call) {
      this.call = call;
    }

    void compute() {
      try {
        value = call.get();
      } catch (Throwable t) {
        error = t;
      }
    }

    void publish() {
      if (error != null) {
        result.completeExceptionally(error);
      } else {
        result.complete(value);
      }
    }
  }
}
