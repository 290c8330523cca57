package dev.shardline.api;

/**
 * Processing-time timers for a {@link SinkWriter}, from {@link
 * SinkContext#processingTimeService()}: the way a writer does work while no record arrives, such as
 * sending what it buffered once the oldest record is old enough. Shaped after Flink's {@code
 * ProcessingTimeService}, so the Flink adapter hands Flink's through.
 *
 * <p><b>Where callbacks run.</b> On the writer's own thread, between two calls of the runtime into
 * the writer: never concurrently with {@link SinkWriter#write}, {@link SinkWriter#flush}, {@link
 * StatefulSinkWriter#snapshotState}, {@link CommittingSinkWriter#prepareCommit} or another
 * callback, so the writer's state needs no lock. On the embedded runner a due timer is a mail in
 * the writer's {@link WriterMailbox}: it wakes a worker whose source is idle, and waits for the
 * next record boundary when the worker is busy. So a callback also never runs inside a checkpoint
 * (a checkpoint flushes, prepares and snapshots in one step), except where the writer itself yields
 * ({@link WriterMailbox#yield()} in its {@code write} or {@code flush} runs its due timers).
 *
 * <p><b>What a callback may do.</b> Work on what was written before it: send, retry, roll a file.
 * It must not make up records of its own (no source position covers them), and what it leaves
 * buffered is still the next {@code flush()}'s to make durable. An exception it throws fails the
 * writer like one from {@code write} (the pipeline restarts from its last checkpoint).
 *
 * <p><b>When timers fire.</b> A timer fires once {@link #getCurrentProcessingTime()} reached its
 * timestamp, as soon as the writer's thread is free; never before, possibly later (a busy thread, a
 * long {@code write}). Timers due together fire in timestamp order, and in registration order for
 * equal timestamps. A timestamp in the past fires as soon as possible. The time is the runtime's
 * clock (on the embedded runner the pipeline's {@code Time}, so a test's {@code ManualTime} moving
 * past a timestamp makes it due).
 *
 * <p><b>Threads.</b> {@link #registerTimer} and {@link Timer#cancel()} may be called from any
 * thread; the callback still runs on the writer's thread. (An I/O callback hands its result to the
 * writer's thread with {@link WriterMailbox#execute}, not with a timer.)
 *
 * <p><b>Lifetime.</b> Timers belong to the writer that registered them: when the writer is closed
 * (the pipeline stops, fails or restarts) its pending timers are dropped and later registrations
 * are ignored, so a timer never fires into a writer restored from a checkpoint. After a pipeline's
 * final checkpoint (a graceful stop, the end of input) timers no longer fire either.
 *
 * <pre>{@code
 * ProcessingTimeService timers = context.processingTimeService();
 * long due = timers.getCurrentProcessingTime() + maxAge.toMillis();
 * ProcessingTimeService.Timer timer = timers.registerTimer(due, time -> sendBuffered());
 * timer.cancel(); // when no longer needed
 * }</pre>
 */
public interface ProcessingTimeService {

  /** The current processing time, in milliseconds since the epoch. */
  long getCurrentProcessingTime();

  /**
   * Calls {@code callback} on the writer's thread once the processing time reached {@code
   * timestampMillis}. Any thread may call this.
   *
   * @return the timer, to cancel it; a timer registered after the writer closed never fires
   */
  Timer registerTimer(long timestampMillis, ProcessingTimeCallback callback);

  /** What a timer runs. */
  @FunctionalInterface
  interface ProcessingTimeCallback {

    /**
     * Runs on the writer's thread.
     *
     * @param timestampMillis the timestamp the timer was registered for (not the current time)
     */
    void onProcessingTime(long timestampMillis) throws Exception;
  }

  /** A registered timer. */
  interface Timer {

    /** Makes sure the callback does not run, unless it already started. Any thread; idempotent. */
    void cancel();
  }
}
