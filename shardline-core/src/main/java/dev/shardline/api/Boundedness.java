package dev.shardline.api;

/** Whether a source ends by itself. */
public enum Boundedness {
  /**
   * The source ends (its readers return {@link InputStatus#END_OF_INPUT}); the pipeline then stops.
   */
  BOUNDED,
  /** The source runs until the pipeline is stopped. */
  CONTINUOUS_UNBOUNDED
}
