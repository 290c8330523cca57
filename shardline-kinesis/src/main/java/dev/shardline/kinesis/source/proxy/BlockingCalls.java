package dev.shardline.kinesis.source.proxy;

import static dev.shardline.util.Preconditions.checkArgument;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs blocking calls (the synchronous SDK client's) on at most {@code limit} threads at once, and
 * answers each with a future. Threads are made only when every running one is busy and the limit
 * allows, and end after a minute without work: a pipeline reading 4 shards has about 4, one reading
 * 1,000 at most {@code limit}, whatever the number of shards. Calls beyond the limit wait in turn.
 * Futures complete on the thread that ran the call. Thread-safe.
 */
final class BlockingCalls implements AutoCloseable {
  private static final long IDLE_SECONDS = 60;

  private final int limit;
  private final ThreadPoolExecutor threads;
  private final ConcurrentLinkedQueue<Call<?>> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();
  private volatile boolean closed;

  /**
   * @param name the threads' name prefix
   * @param limit the most calls running at once, 1 or more
   */
  BlockingCalls(String name, int limit) {
    checkArgument(limit >= 1, "limit must be 1 or more");
    this.limit = limit;
    AtomicInteger count = new AtomicInteger();
    this.threads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** {@code call} run on one of the threads; after {@link #close()}, a cancelled future. */
  <T> CompletableFuture<T> submit(Supplier<T> call) {
    Call<T> c = new Call<>(call);
    waiting.add(c);
    if (closed) {
      cancelWaiting();
    } else {
      startRunner();
    }
    return c.result;
  }

  /** How many threads exist now. For tests and benchmarks. */
  int threads() {
    return threads.getPoolSize();
  }

  /** Whether every thread has ended after {@link #close()}. */
  boolean ended() {
    return threads.isTerminated();
  }

  /** Starts a runner when calls wait and fewer than {@code limit} run. */
  private void startRunner() {
    while (!waiting.isEmpty()) {
      int n = running.get();
      if (n >= limit) {
        return;
      }
      if (running.compareAndSet(n, n + 1)) {
        try {
          threads.execute(this::run);
        } catch (RejectedExecutionException e) {
          running.decrementAndGet();
          cancelWaiting();
        }
        return;
      }
    }
  }

  /** A runner: runs waiting calls until none is left. */
  private void run() {
    try {
      Call<?> call;
      while (!closed && (call = waiting.poll()) != null) {
        call.run();
      }
    } finally {
      running.decrementAndGet();
    }
    // a call added while this runner was ending found the limit reached: start one for it
    if (closed) {
      cancelWaiting();
    } else {
      startRunner();
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
    threads.shutdownNow();
  }

  /**
   * Waits at most {@code timeout} for the threads to end after {@link #close()} (a running call
   * ends once its client closed its connection); an interrupt is kept.
   */
  void awaitEnd(Duration timeout) {
    try {
      threads.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Call<T> {
    final Supplier<T> call;
    final CompletableFuture<T> result = new CompletableFuture<>();

    Call(Supplier<T> call) {
      this.call = call;
    }

    void run() {
      if (result.isDone()) {
        return;
      }
      try {
        result.complete(call.get());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }
  }
}
