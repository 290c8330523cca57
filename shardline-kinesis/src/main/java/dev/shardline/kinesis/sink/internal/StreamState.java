package dev.shardline.kinesis.sink.internal;

import dev.shardline.kinesis.aggregation.HashKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

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

  /**
   * Aggregates Kinesis put in another shard than predicted, back at the head of their queues until
   * a listing gives that shard's hash key range: acknowledged if it holds all their keys, else sent
   * again by the new map. The stream sends nothing meanwhile, so nothing newer of their keys
   * overtakes them.
   */
  final List<Landing> inDoubt = new ArrayList<>();

  /** Misdelivered aggregates wait in their queues for a changed map (the listing was stale). */
  boolean remapWanted;

  /** While holding: when the next listing may start, and how many were made. */
  long listNotBeforeNanos;

  int relistings;

  /** When the stream started holding its records back, or -1. */
  long holdingSinceNanos = -1;

  StreamState(String name) {
    this.name = name;
  }

  ShardQueue queueFor(HashKey hashKey) {
    return queues[map.indexOf(hashKey)];
  }

  /**
   * Whether sending waits for a listing: aggregates in doubt, or misdelivered ones to re-predict.
   */
  boolean holdsSending() {
    return !inDoubt.isEmpty() || remapWanted;
  }

  /**
   * An aggregate Kinesis put in shard {@code shardId}, not in the shard of {@code queue}.
   *
   * @param queue the queue it was taken from and is back in
   */
  record Landing(ShardQueue queue, PendingEntry entry, String shardId) {}
}
