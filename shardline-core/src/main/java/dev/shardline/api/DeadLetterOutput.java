package dev.shardline.api;

/**
 * Where a reader or writer sends records it cannot process when the bad-data policy is {@code
 * dead-letter}. The runtime backs it with the pipeline's dead-letter sink, flushed at every
 * checkpoint together with the other sinks, so a dead-lettered record is durable before the source
 * position past it is. Call it only from the worker's thread.
 */
public interface DeadLetterOutput {

  /** Whether a dead-letter sink is configured; when not, {@link #send} throws. */
  boolean isConfigured();

  /**
   * Sends a record to the dead-letter sink.
   *
   * @throws ShardlineException when no dead-letter sink is configured
   */
  void send(DeadLetter deadLetter);
}
