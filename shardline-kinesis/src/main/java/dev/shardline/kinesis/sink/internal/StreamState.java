package dev.shardline.kinesis.sink.internal;

import dev.shardline.kinesis.aggregation.HashKey;
import java.util.LinkedHashSet;

/** One stream's shard map and shard queues. Not thread-safe: the writer's state. */
final class StreamState {
  final String name;
  ShardMap map;
  ShardQueue[] queues;

  /** Queues holding records, in the order they will be served (served ones move to the end). */
  final LinkedHashSet<ShardQueue> active = new LinkedHashSet<>();

  int inFlightRequests;
  long listedAtNanos;
  boolean listing;
  boolean listWanted;

  /** A changed map, applied once no request is in flight (so no key has two shards in flight). */
  ShardMap pendingMap;

  StreamState(String name) {
    this.name = name;
  }

  ShardQueue queueFor(HashKey hashKey) {
    return queues[map.indexOf(hashKey)];
  }
}
