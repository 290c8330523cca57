package dev.shardline.runtime;

import dev.shardline.api.ShardlineException;

/**
 * A {@link Pipeline} gave up: its {@link RestartPolicy} was exhausted, or the error was one no
 * restart can fix. The cause is the last error; earlier errors (one per failed attempt) are
 * attached as suppressed exceptions.
 */
public class PipelineFailedException extends ShardlineException {
  private static final long serialVersionUID = 1L;

  private final int attempts;

  public PipelineFailedException(String message, int attempts, Throwable cause) {
    super(message, cause);
    this.attempts = attempts;
  }

  /** How many times the pipeline ran (the first run plus each restart). */
  public int attempts() {
    return attempts;
  }
}
