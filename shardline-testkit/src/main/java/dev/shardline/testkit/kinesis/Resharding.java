package dev.shardline.testkit.kinesis;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Resharding a stream of kinesis-local, each step waiting until the stream is ACTIVE again. For
 * tests of order across SplitShard, UpdateShardCount and MergeShards.
 */
public final class Resharding {
  private Resharding() {}

  /** The open shards (no ending sequence number), by starting hash key. */
  public static List<Shard> openShards(LocalKinesis kinesis, String stream) {
    List<Shard> open = new ArrayList<>();
    for (Shard shard : kinesis.client().listShards(b -> b.streamName(stream)).shards()) {
      if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
        open.add(shard);
      }
    }
    open.sort(Comparator.comparing(s -> new BigInteger(s.hashKeyRange().startingHashKey())));
    return open;
  }

  /** SplitShard of {@code shard} in the middle of its hash key range. */
  public static void splitInTwo(LocalKinesis kinesis, String stream, Shard shard) {
    BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
    BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
    kinesis
        .client()
        .splitShard(
            b ->
                b.streamName(stream)
                    .shardToSplit(shard.shardId())
                    .newStartingHashKey(
                        start.add(end).add(BigInteger.ONE).shiftRight(1).toString()));
    kinesis.waitForActive(stream);
  }

  /** UpdateShardCount to {@code count} open shards, uniform scaling. */
  public static void scaleTo(LocalKinesis kinesis, String stream, int count) {
    kinesis
        .client()
        .updateShardCount(
            b ->
                b.streamName(stream)
                    .targetShardCount(count)
                    .scalingType(ScalingType.UNIFORM_SCALING));
    kinesis.waitForActive(stream);
  }

  /** MergeShards of two adjacent open shards. */
  public static void merge(LocalKinesis kinesis, String stream, Shard shard, Shard adjacent) {
    kinesis
        .client()
        .mergeShards(
            b ->
                b.streamName(stream)
                    .shardToMerge(shard.shardId())
                    .adjacentShardToMerge(adjacent.shardId()));
    kinesis.waitForActive(stream);
  }
}
