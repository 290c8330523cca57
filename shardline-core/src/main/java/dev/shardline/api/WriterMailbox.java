package dev.shardline.api;

/**
 * The mailbox of a {@link SinkWriter}'s thread, from {@link SinkContext#mailbox()}: how a writer
 * hands results of its I/O back to its own thread, and how it waits for them without blocking that
 * thread. Shaped after Flink's {@code MailboxExecutor} (what Flink's {@code AsyncSinkWriter} uses),
 * so the Flink adapter hands Flink's through.
 *
 * <p><b>Mails.</b> {@link #execute} may be called from any thread (an SDK callback, say); the mail
 * runs later on the writer's thread, in the order mails were given, between two calls of the
 * runtime into the writer like a timer callback (see {@link ProcessingTimeService}): never
 * concurrently with {@code write}, {@code flush} or another mail, so the writer's state needs no
 * lock. It never runs inline in {@code execute}. On the embedded runner a mail wakes a worker whose
 * source is idle, so a response is taken and the next request sent while no record arrives. An
 * exception a mail throws fails the writer like one from {@code write} (the pipeline restarts from
 * its last checkpoint).
 *
 * <p><b>Yielding.</b> A writer that must wait (for room under its cap on requests in flight, in
 * {@code write}; for everything in flight, in {@code flush}) does not block or sleep: it loops
 * {@code while (mustWait()) mailbox.yield();}. {@link #yield()}, on the writer's thread only, runs
 * the next pending mail of this writer, waiting until there is one; a timer of this writer's {@link
 * ProcessingTimeService} that comes due is such a mail too, so a writer waiting for a deadline (the
 * end of a backoff) registers a timer for it and yields. A yield runs only this writer's mails and
 * timer callbacks: never a checkpoint, another writer's mail or a source's work. So a timer
 * callback may run inside {@code write} or {@code flush}, but only where the writer itself yields.
 * The exception of the mail it ran passes through {@code yield} (a checked one wrapped in a {@link
 * ShardlineException}).
 *
 * <p><b>Lifetime.</b> Mails belong to the writer: once the writer is closed (the pipeline stops,
 * fails or restarts), or after the pipeline's final checkpoint, pending and later mails are dropped
 * without running, so a response of a closed writer never reaches a writer restored from a
 * checkpoint; a {@code yield} then throws {@link IllegalStateException}. An interrupt of the
 * writer's thread (a pipeline stopping a stuck worker) ends a waiting {@code yield} with {@link
 * InterruptedException}.
 *
 * <pre>{@code
 * WriterMailbox mailbox = context.mailbox();
 * // an SDK thread, when a request completes:
 * future.whenComplete((response, error) ->
 *     mailbox.execute(() -> onResponse(response, error), "PutRecords response"));
 * // in write(), on the writer's thread:
 * while (inFlight >= maxInFlight) {
 *   mailbox.yield();
 * }
 * }</pre>
 */
public interface WriterMailbox {

  /**
   * Runs {@code mail} on the writer's thread, after the mails given before it. Any thread may call
   * this; after the writer closed it is dropped.
   *
   * @param description what the mail does, for logs and stack traces
   */
  void execute(Mail mail, String description);

  /**
   * Runs the next pending mail of this writer (a due timer's callback included), waiting until
   * there is one. Only on the writer's thread, from {@code write}, {@code flush}, a mail or a timer
   * callback.
   *
   * @throws InterruptedException the thread was interrupted while waiting
   * @throws IllegalStateException the writer is closed, so no mail will come, or this is not the
   *     writer's thread
   */
  void yield() throws InterruptedException;

  /**
   * Runs the next pending mail of this writer if there is one, without waiting. Only on the
   * writer's thread.
   *
   * @return whether a mail ran
   * @throws IllegalStateException the writer is closed, or this is not the writer's thread
   */
  boolean tryYield();

  /** What {@link #execute} runs. */
  @FunctionalInterface
  interface Mail {
    void run() throws Exception;

    /**
     * Runs it the way a {@link #yield()} does: an unchecked exception passes through as it is, a
     * checked one wrapped in a {@link ShardlineException} naming it.
     */
    default void runInYield() {
      try {
        run();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new ShardlineException("A mail of the writer failed: " + e, e);
      }
    }
  }
}
