package dev.shardline.kinesis.sink.internal;

import dev.shardline.kinesis.aggregation.HashKey;
import dev.shardline.kinesis.aggregation.RecordAggregator;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The records predicted for one shard, in write order, and what paces them: at most one request in
 * flight, the backoff after a failure, the adaptive rate. With aggregation, the newest records
 * gather in an open KPL aggregate that is sealed when full or when the shard sends. Not
 * thread-safe: the writer's state.
 */
final class ShardQueue {
  final StreamState stream;
  final ShardRange shard;
  final ShardRate rate;

  final ArrayDeque<PendingEntry> entries = new ArrayDeque<>();
  long entryBytes;

  // the open aggregate (aggregation only)
  private final RecordAggregator aggregator;
  private Set<String> openKeys;
  private int openUserRecords;
  private long openUserBytes;
  private long openSinceNanos;
  private String firstPartitionKey;
  private String firstExplicitHashKey;
  private byte[] firstData;
  private HashKey firstHashKey;
  private int firstBytes;

  boolean inFlight;
  boolean active;
  long backoffUntilNanos;
  int consecutiveFailures;

  ShardQueue(StreamState stream, ShardRange shard, ShardRate rate, int aggregationMaxBytes) {
    this.stream = stream;
    this.shard = shard;
    this.rate = rate;
    this.aggregator = aggregationMaxBytes > 0 ? new RecordAggregator(aggregationMaxBytes) : null;
  }

  /** Kinesis records held, the open aggregate counting as one. */
  int entryCount() {
    return entries.size() + (hasOpenAggregate() ? 1 : 0);
  }

  /** Bytes of the Kinesis records held, the open aggregate at its current size. */
  long bufferedBytes() {
    return entryBytes + (hasOpenAggregate() ? aggregator.sizeInBytes() : 0);
  }

  boolean isEmpty() {
    return entries.isEmpty() && !hasOpenAggregate();
  }

  boolean hasOpenAggregate() {
    return aggregator != null && !aggregator.isEmpty();
  }

  long oldestNanos() {
    PendingEntry head = entries.peekFirst();
    if (head != null) {
      return head.enqueuedNanos;
    }
    return hasOpenAggregate() ? openSinceNanos : Long.MAX_VALUE;
  }

  void addLast(PendingEntry entry) {
    entries.addLast(entry);
    entryBytes += entry.bytes;
  }

  void addFirst(PendingEntry entry) {
    entries.addFirst(entry);
    entryBytes += entry.bytes;
  }

  /** Takes {@code entry} out, wherever it is; false when it is not here. */
  boolean remove(PendingEntry entry) {
    if (!entries.removeFirstOccurrence(entry)) {
      return false;
    }
    entryBytes -= entry.bytes;
    return true;
  }

  PendingEntry pollFirst() {
    PendingEntry entry = entries.pollFirst();
    if (entry != null) {
      entryBytes -= entry.bytes;
    }
    return entry;
  }

  /**
   * Adds a user record to the open aggregate.
   *
   * @return false when it does not fit: {@link #sealAggregate} and add again, or send it alone
   */
  boolean tryAggregate(
      String partitionKey,
      String explicitHashKey,
      byte[] data,
      int bytes,
      HashKey hashKey,
      long now) {
    boolean first = aggregator.isEmpty();
    boolean added;
    try {
      added = aggregator.tryAdd(partitionKey, explicitHashKey, data);
    } catch (IllegalArgumentException tooLargeAlone) {
      return false;
    }
    if (!added) {
      return false;
    }
    if (first) {
      openKeys = new LinkedHashSet<>();
      openUserRecords = 0;
      openUserBytes = 0;
      openSinceNanos = now;
      firstPartitionKey = partitionKey;
      firstExplicitHashKey = explicitHashKey;
      firstData = data;
      firstHashKey = hashKey;
      firstBytes = bytes;
    }
    openKeys.add(partitionKey);
    openUserRecords++;
    openUserBytes += bytes;
    return true;
  }

  int openAggregateBytes() {
    return hasOpenAggregate() ? aggregator.sizeInBytes() : 0;
  }

  /**
   * Closes the open aggregate and appends it to the entries: as a plain record when it holds only
   * one (no aggregation overhead for a lone record).
   */
  void sealAggregate() {
    if (!hasOpenAggregate()) {
      return;
    }
    PendingEntry entry;
    if (openUserRecords == 1) {
      entry =
          PendingEntry.single(
              firstPartitionKey,
              firstExplicitHashKey,
              firstData,
              firstBytes,
              firstHashKey,
              openSinceNanos);
    } else {
      entry =
          PendingEntry.aggregate(
              aggregator.partitionKey(),
              aggregator.explicitHashKey(),
              aggregator.toBytes(),
              aggregator.sizeInBytes(),
              openUserRecords,
              openUserBytes,
              openKeys.toArray(new String[0]),
              openSinceNanos);
    }
    aggregator.clear();
    openKeys = null;
    firstData = null;
    addLast(entry);
  }
}
