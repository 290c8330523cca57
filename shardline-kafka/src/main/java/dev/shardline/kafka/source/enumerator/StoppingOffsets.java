package dev.shardline.kafka.source.enumerator;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.kafka.config.StoppingOffsetsType;
import java.time.Instant;

/**
 * Where a bounded source stops the partitions of its first listing, resolved by the enumerator into
 * concrete offsets at that listing. Immutable.
 *
 * @param type the strategy; {@link StoppingOffsetsType#NONE} for an unbounded source
 * @param timestamp for {@link StoppingOffsetsType#TIMESTAMP}; null otherwise
 */
public record StoppingOffsets(StoppingOffsetsType type, Instant timestamp) {

  public StoppingOffsets {
    checkNotNull(type, "type");
    checkArgument(
        type != StoppingOffsetsType.TIMESTAMP || timestamp != null,
        "a timestamp stop needs the timestamp");
  }

  /** Never stop: an unbounded source. */
  public static StoppingOffsets none() {
    return new StoppingOffsets(StoppingOffsetsType.NONE, null);
  }

  /** Whether the source is bounded. */
  public boolean isBounded() {
    return type != StoppingOffsetsType.NONE;
  }
}
