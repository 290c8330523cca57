package dev.shardline.runtime.internal;

import dev.shardline.api.ShardlineException;

/** A worker's reader, function or writer threw; the pipeline restarts from its last checkpoint. */
public final class WorkerFailedException extends ShardlineException {
  private static final long serialVersionUID = 1L;

  WorkerFailedException(String pipeline, int worker, Throwable cause) {
    super("Worker " + worker + " of pipeline '" + pipeline + "' failed: " + cause, cause);
  }
}
