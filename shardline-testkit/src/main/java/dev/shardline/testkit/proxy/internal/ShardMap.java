package dev.shardline.testkit.proxy.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The open shards of a stream and their hash key ranges, for routing records; and every listed
 * shard's lineage, for ending the subscriptions of closed shards. Immutable.
 */
public final class ShardMap {

  /** An open shard and its inclusive hash key range. */
  public record OpenShard(String shardId, BigInteger startingHashKey, BigInteger endingHashKey) {}

  /**
   * A listed shard (open or closed): its parents (null when none) and hash key range.
   *
   * @param closed whether ListShards gave it an {@code EndingSequenceNumber} (kinesis-local gives a
   *     closed shard {@code 9223372036854775807}, Long.MAX_VALUE, not its last record's number)
   */
  public record Lineage(
      String shardId,
      String parentShardId,
      String adjacentParentShardId,
      BigInteger startingHashKey,
      BigInteger endingHashKey,
      boolean closed) {}

  private final List<OpenShard> byStart;
  private final List<Lineage> lineage;

  private ShardMap(List<OpenShard> byStart, List<Lineage> lineage) {
    this.byStart = byStart;
    this.lineage = lineage;
  }

  public static ShardMap of(List<OpenShard> openShards) {
    List<Lineage> lineage = new ArrayList<>();
    openShards.forEach(
        s ->
            lineage.add(
                new Lineage(
                    s.shardId(), null, null, s.startingHashKey(), s.endingHashKey(), false)));
    return ofListed(lineage);
  }

  /** The map of every listed shard, open and closed, in ListShards order. */
  public static ShardMap ofListed(List<Lineage> listed) {
    List<OpenShard> sorted = new ArrayList<>();
    for (Lineage shard : listed) {
      if (!shard.closed()) {
        sorted.add(new OpenShard(shard.shardId(), shard.startingHashKey(), shard.endingHashKey()));
      }
    }
    sorted.sort(Comparator.comparing(OpenShard::startingHashKey));
    return new ShardMap(List.copyOf(sorted), List.copyOf(listed));
  }

  /**
   * The children of {@code shardId} (the shards naming it as parent or adjacent parent) when it is
   * listed closed and has some; empty when it is open, unknown, or has no children listed yet.
   */
  public Optional<List<Lineage>> childrenOfClosed(String shardId) {
    boolean closed = lineage.stream().anyMatch(s -> s.shardId().equals(shardId) && s.closed());
    if (!closed) {
      return Optional.empty();
    }
    List<Lineage> children = new ArrayList<>();
    for (Lineage shard : lineage) {
      if (shardId.equals(shard.parentShardId()) || shardId.equals(shard.adjacentParentShardId())) {
        children.add(shard);
      }
    }
    return children.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(children));
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
