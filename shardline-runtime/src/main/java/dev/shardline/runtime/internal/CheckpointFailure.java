package dev.shardline.runtime.internal;

/**
 * Why a checkpoint was aborted; the {@code reason} tag of {@code
 * shardline.pipeline.checkpoints.failed}.
 */
public enum CheckpointFailure {
  /** Not every worker answered within {@code checkpoint.timeout}. */
  TIMEOUT("timeout"),
  /** The checkpoint store could not store it. */
  STORE("store");

  private final String tag;

  CheckpointFailure(String tag) {
    this.tag = tag;
  }

  /** The value of the {@code reason} tag. */
  public String tag() {
    return tag;
  }
}
