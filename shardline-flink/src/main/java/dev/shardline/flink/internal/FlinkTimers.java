package dev.shardline.flink.internal;

import dev.shardline.api.ProcessingTimeService;
import java.util.concurrent.ScheduledFuture;

/**
 * A writer's timers on Flink: Flink's own processing-time service, whose callbacks run in the
 * task's mailbox (the writer's thread, never during a checkpoint's flush), so the contract holds as
 * it does on the embedded runner. After {@link #close()} no timer fires and registrations are
 * ignored.
 */
public final class FlinkTimers implements ProcessingTimeService {
  private final org.apache.flink.api.common.operators.ProcessingTimeService flink;
  private volatile boolean closed;

  public FlinkTimers(org.apache.flink.api.common.operators.ProcessingTimeService flink) {
    this.flink = flink;
  }

  @Override
  public long getCurrentProcessingTime() {
    return flink.getCurrentProcessingTime();
  }

  @Override
  public Timer registerTimer(long timestampMillis, ProcessingTimeCallback callback) {
    if (closed) {
      return () -> {};
    }
    ScheduledFuture<?> future =
        flink.registerTimer(
            timestampMillis,
            time -> {
              if (!closed) {
                callback.onProcessingTime(timestampMillis);
              }
            });
    return () -> future.cancel(false);
  }

  /** Drops every pending timer's effect; later registrations are ignored. */
  public void close() {
    closed = true;
  }
}
