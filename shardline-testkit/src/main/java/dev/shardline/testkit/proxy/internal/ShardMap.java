package dev.shardline.testkit.proxy.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The open shards of a stream and their hash key ranges, for routing records. Immutable. */
public final class ShardMap {

  /** An open shard and its inclusive hash key range. */
  public record OpenShard(String shardId, BigInteger startingHashKey, BigInteger endingHashKey) {}

  private final List<OpenShard> byStart;

  private ShardMap(List<OpenShard> byStart) {
    this.byStart = byStart;
  }

  public static ShardMap of(List<OpenShard> openShards) {
    List<OpenShard> sorted = new ArrayList<>(openShards);
    sorted.sort(Comparator.comparing(OpenShard::startingHashKey));
    return new ShardMap(List.copyOf(sorted));
  }

  /** The open shard whose range holds {@code hashKey}; empty when none does (a stale map). */
  public Optional<String> shardFor(BigInteger hashKey) {
    int low = 0;
    int high = byStart.size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      OpenShard shard = byStart.get(mid);
      if (hashKey.compareTo(shard.startingHashKey()) < 0) {
        high = mid - 1;
      } else if (hashKey.compareTo(shard.endingHashKey()) > 0) {
        low = mid + 1;
      } else {
        return Optional.of(shard.shardId());
      }
    }
    return Optional.empty();
  }

  public Set<String> openShardIds() {
    Set<String> ids = new TreeSet<>();
    byStart.forEach(shard -> ids.add(shard.shardId()));
    return ids;
  }

  @Override
  public String toString() {
    return "ShardMap" + byStart;
  }
}
