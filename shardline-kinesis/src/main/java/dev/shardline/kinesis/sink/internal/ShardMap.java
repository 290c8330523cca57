package dev.shardline.kinesis.sink.internal;

import static dev.shardline.util.Preconditions.checkArgument;

import dev.shardline.kinesis.aggregation.HashKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The open shards of one stream, sorted by hash key range, for predicting which shard Kinesis puts
 * a record in. Immutable and thread-safe.
 */
public final class ShardMap {
  private final List<ShardRange> shards;
  private final HashKey[] starts;

  /**
   * @throws IllegalArgumentException when the ranges overlap or there is no shard
   */
  public ShardMap(List<ShardRange> openShards) {
    checkArgument(!openShards.isEmpty(), "a stream has at least one open shard");
    List<ShardRange> sorted = new ArrayList<>(openShards);
    sorted.sort(Comparator.comparing(ShardRange::start));
    for (int i = 1; i < sorted.size(); i++) {
      checkArgument(
          sorted.get(i - 1).end().compareTo(sorted.get(i).start()) < 0,
          "open shards overlap: " + sorted.get(i - 1) + " and " + sorted.get(i));
    }
    this.shards = List.copyOf(sorted);
    this.starts = sorted.stream().map(ShardRange::start).toArray(HashKey[]::new);
  }

  /**
   * The open shards of a ListShards answer: those without an ending sequence number that no other
   * listed shard names as a parent (kinesis-local gives closed shards an ending sequence number of
   * Long.MAX_VALUE; either rule finds them).
   */
  public static ShardMap fromListedShards(List<Shard> listed) {
    Set<String> parents = new HashSet<>();
    for (Shard shard : listed) {
      if (shard.parentShardId() != null) {
        parents.add(shard.parentShardId());
      }
      if (shard.adjacentParentShardId() != null) {
        parents.add(shard.adjacentParentShardId());
      }
    }
    List<ShardRange> open = new ArrayList<>();
    for (Shard shard : listed) {
      boolean closed =
          (shard.sequenceNumberRange() != null
                  && shard.sequenceNumberRange().endingSequenceNumber() != null)
              || parents.contains(shard.shardId());
      if (!closed) {
        open.add(
            new ShardRange(
                shard.shardId(),
                HashKey.parse(shard.hashKeyRange().startingHashKey()),
                HashKey.parse(shard.hashKeyRange().endingHashKey())));
      }
    }
    return new ShardMap(open);
  }

  /** The shard holding {@code key}, or the nearest one below it if the map has a gap. */
  public int indexOf(HashKey key) {
    int low = 0;
    int high = starts.length - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (starts[mid].compareTo(key) <= 0) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  /** The shard at {@code index}, in hash key order. */
  public ShardRange shard(int index) {
    return shards.get(index);
  }

  /** How many open shards. */
  public int size() {
    return shards.size();
  }

  /** The open shards in hash key order. */
  public List<ShardRange> shards() {
    return shards;
  }

  /** Whether both maps have the same open shards with the same ranges. */
  public boolean sameShardsAs(ShardMap other) {
    return shards.equals(other.shards);
  }

  @Override
  public String toString() {
    return shards.stream().map(ShardRange::shardId).collect(Collectors.joining(", ", "[", "]"));
  }
}
