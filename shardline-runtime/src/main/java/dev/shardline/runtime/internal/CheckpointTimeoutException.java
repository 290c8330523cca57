package dev.shardline.runtime.internal;

import dev.shardline.api.ShardlineException;

/**
 * A checkpoint timed out ({@code checkpoint.timeout}) once too often in a row ({@code
 * checkpoint.tolerableFailures}), or while the pipeline was taking its final checkpoint. The run
 * fails like one whose worker failed: it restarts from the last complete checkpoint as the restart
 * policy allows, unless it was stopping. The message names the checkpoint, the workers that had not
 * answered and the fix; their stack traces are attached as suppressed exceptions.
 */
public final class CheckpointTimeoutException extends ShardlineException {
  private static final long serialVersionUID = 1L;

  private final long checkpointId;

  CheckpointTimeoutException(String message, long checkpointId) {
    super(message);
    this.checkpointId = checkpointId;
  }

  /** The checkpoint that timed out. */
  public long checkpointId() {
    return checkpointId;
  }
}
