package dev.shardline.kafka.source.enumerator;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.kafka.config.OffsetReset;
import dev.shardline.kafka.config.StartingOffsetsType;
import java.time.Instant;

/**
 * Where partitions found by the first listing start, resolved by the enumerator into concrete
 * offsets (or {@code EARLIEST}). Immutable.
 *
 * @param type the strategy
 * @param timestamp for {@link StartingOffsetsType#TIMESTAMP}; null otherwise
 * @param resetTo for {@link StartingOffsetsType#COMMITTED}: partitions without a committed offset
 * @param groupId for {@link StartingOffsetsType#COMMITTED}; may be null otherwise
 */
public record StartingOffsets(
    StartingOffsetsType type, Instant timestamp, OffsetReset resetTo, String groupId) {

  public StartingOffsets {
    checkNotNull(type, "type");
    checkNotNull(resetTo, "resetTo");
    checkArgument(
        type != StartingOffsetsType.TIMESTAMP || timestamp != null,
        "a timestamp start needs the timestamp");
    checkArgument(
        type != StartingOffsetsType.COMMITTED || groupId != null,
        "a committed start needs the group id");
  }

  /** Every partition at its earliest offset. */
  public static StartingOffsets earliest() {
    return new StartingOffsets(StartingOffsetsType.EARLIEST, null, OffsetReset.EARLIEST, null);
  }
}
