package dev.shardline.api;

/** What {@link SourceReader#pollNext} says about the reader after the call. */
public enum InputStatus {
  /** Call {@code pollNext} again right away: more records are ready. */
  MORE_AVAILABLE,
  /** Nothing ready now: wait for {@link SourceReader#isAvailable()} before polling again. */
  NOTHING_AVAILABLE,
  /** This reader has emitted everything it ever will. */
  END_OF_INPUT
}
