package dev.shardline.runtime.status;

import java.util.Locale;

/** Where a pipeline is in its life, as {@link StatusReport#state()} names it. */
public enum PipelineState {
  /** Built, not started, or starting its first attempt. */
  STARTING,
  /** An attempt runs. */
  RUNNING,
  /** An attempt failed; waiting to restart from the last checkpoint. */
  RESTARTING,
  /** Its bounded source ended and the final checkpoint completed. */
  FINISHED,
  /** Stopped on request. */
  STOPPED,
  /** Failed for good. */
  FAILED;

  /** The word in reports: the name in lower case. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
