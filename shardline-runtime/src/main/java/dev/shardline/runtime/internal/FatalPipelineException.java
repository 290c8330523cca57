package dev.shardline.runtime.internal;

import dev.shardline.api.ShardlineException;

/**
 * An error no restart can fix (a foreign checkpoint, a locked directory, a checkpoint from a newer
 * Shardline): the pipeline fails at once with its cause, whatever the restart policy.
 */
public final class FatalPipelineException extends ShardlineException {
  private static final long serialVersionUID = 1L;

  public FatalPipelineException(ShardlineException cause) {
    super(cause.getMessage(), cause);
  }
}
