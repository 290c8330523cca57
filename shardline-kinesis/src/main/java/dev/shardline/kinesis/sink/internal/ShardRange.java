package dev.shardline.kinesis.sink.internal;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.kinesis.aggregation.HashKey;

/**
 * An open shard and the hash keys it takes, both ends included.
 *
 * @param shardId e.g. {@code shardId-000000000001}
 * @param start the lowest hash key of the shard
 * @param end the highest hash key of the shard
 */
public record ShardRange(String shardId, HashKey start, HashKey end) {
  public ShardRange {
    checkNotNull(shardId, "shardId");
    checkNotNull(start, "start");
    checkNotNull(end, "end");
    checkArgument(start.compareTo(end) <= 0, "start must not be above end in " + shardId);
  }

  /** Whether {@code key} falls in this shard. */
  public boolean contains(HashKey key) {
    return start.compareTo(key) <= 0 && key.compareTo(end) <= 0;
  }
}
