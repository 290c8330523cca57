package dev.shardline.kinesis.source.split;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.SourceSplit;
import java.util.List;

/**
 * One Kinesis shard as a unit of reading, with where reading it stands: the stream, the shard id,
 * the parent shard ids (resharding order), the hash key range, the position, and whether the shard
 * has been read to its end. Immutable; readers return new splits with new positions from {@code
 * snapshotState}. Serialized by {@link KinesisShardSplitSerializer}.
 *
 * <pre>{@code
 * KinesisShardSplit split = new KinesisShardSplit("orders", "shardId-000000000001", List.of(),
 *     "0", "340282366920938463463374607431768211455", ShardPosition.trimHorizon(), false);
 * split.splitId(); // "orders/shardId-000000000001"
 * }</pre>
 *
 * @param stream the stream name
 * @param shardId the shard id, e.g. {@code shardId-000000000001}
 * @param parentShardIds the parent and adjacent parent shard ids; empty for an original shard
 * @param startingHashKey the lowest hash key of the shard, decimal
 * @param endingHashKey the highest hash key of the shard, decimal
 * @param position where reading resumes
 * @param finished whether the shard was read to its end and every record emitted
 */
public record KinesisShardSplit(
    String stream,
    String shardId,
    List<String> parentShardIds,
    String startingHashKey,
    String endingHashKey,
    ShardPosition position,
    boolean finished)
    implements SourceSplit {

  public KinesisShardSplit {
    checkNotNull(stream, "stream");
    checkNotNull(shardId, "shardId");
    checkArgument(!stream.isEmpty() && stream.indexOf('/') < 0, "stream must be a stream name");
    parentShardIds = List.copyOf(checkNotNull(parentShardIds, "parentShardIds"));
    checkNotNull(startingHashKey, "startingHashKey");
    checkNotNull(endingHashKey, "endingHashKey");
    checkNotNull(position, "position");
  }

  /** {@code stream/shardId}. */
  @Override
  public String splitId() {
    return splitId(stream, shardId);
  }

  /** The split id of a shard: {@code stream/shardId}. */
  public static String splitId(String stream, String shardId) {
    return stream + "/" + shardId;
  }

  /** This split at another position. */
  public KinesisShardSplit withPosition(ShardPosition newPosition) {
    return new KinesisShardSplit(
        stream, shardId, parentShardIds, startingHashKey, endingHashKey, newPosition, finished);
  }

  /** This split, read to its end. */
  public KinesisShardSplit asFinished() {
    return new KinesisShardSplit(
        stream, shardId, parentShardIds, startingHashKey, endingHashKey, position, true);
  }

  @Override
  public String toString() {
    return splitId() + (finished ? " (finished)" : " @ " + position);
  }
}
