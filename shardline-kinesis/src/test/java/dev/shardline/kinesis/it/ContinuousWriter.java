package dev.shardline.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.SinkWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A thread writing {@code key-(n % keys):n}, n = 0, 1, 2, ..., to a sink writer until stopped, then
 * flushing it; for tests that change a stream while a sink writes to it.
 */
final class ContinuousWriter {
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final AtomicInteger written = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;

  /**
   * @param pauseEvery after this many records the thread sleeps 1 ms (a steady stream rather than a
   *     flood the server lags behind); 0 for never
   */
  ContinuousWriter(SinkWriter<String> writer, int keys, int pauseEvery) {
    thread =
        new Thread(
            () -> {
              try {
                for (int n = 0; writing.get(); n++) {
                  writer.write("key-" + (n % keys) + ":" + n);
                  written.incrementAndGet();
                  if (pauseEvery > 0 && n % pauseEvery == pauseEvery - 1) {
                    Thread.sleep(1);
                  }
                }
                writer.flush();
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "sink-writer");
    thread.start();
  }

  /** Records written so far (after {@link #stop()}: all of them). */
  int written() {
    return written.get();
  }

  /** Waits until {@code more} records more than now are written; fails if the writer failed. */
  void awaitMore(int more) throws InterruptedException {
    int target = written.get() + more;
    Await.until(
        Duration.ofSeconds(120),
        () -> written.get() >= target || failure.get() != null,
        () -> written.get() + " of " + target + " written");
    assertThat(failure.get()).as("the writer's failure").isNull();
  }

  /**
   * Stops writing and waits for the final flush. Call it in a finally block: the writer must not
   * outlive the sink and the server.
   */
  void stop() throws InterruptedException {
    writing.set(false);
    thread.join(120_000);
  }

  /** After {@link #stop()}: checks that the writer finished and did not fail. */
  void assertFinished() {
    assertThat(thread.isAlive()).as("the writer finished its flush").isFalse();
    assertThat(failure.get()).as("the writer's failure").isNull();
  }
}
