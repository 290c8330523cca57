package dev.shardline.kinesis.sink.internal;

import dev.shardline.kinesis.aggregation.HashKey;

/**
 * One Kinesis record waiting to be acknowledged: a user record, or a KPL aggregate of several user
 * records of one shard. Owned by the writer's state; not thread-safe.
 */
final class PendingEntry {
  final String partitionKey;
  final String explicitHashKey;
  final byte[] data;

  /** The Kinesis record's size: data plus partition key bytes. */
  final int bytes;

  /** The hash key it was predicted from; null for an aggregate (re-predicted per user record). */
  final HashKey hashKey;

  final int userRecords;
  final long userBytes;

  /** The partition keys inside: for order, a request holds at most one entry per key and shard. */
  final String key;

  final String[] aggregatedKeys;
  final long enqueuedNanos;

  int attempts;
  long firstAttemptNanos;
  String lastErrorCode;
  String lastErrorMessage;

  private PendingEntry(
      String partitionKey,
      String explicitHashKey,
      byte[] data,
      int bytes,
      HashKey hashKey,
      int userRecords,
      long userBytes,
      String key,
      String[] aggregatedKeys,
      long enqueuedNanos) {
    this.partitionKey = partitionKey;
    this.explicitHashKey = explicitHashKey;
    this.data = data;
    this.bytes = bytes;
    this.hashKey = hashKey;
    this.userRecords = userRecords;
    this.userBytes = userBytes;
    this.key = key;
    this.aggregatedKeys = aggregatedKeys;
    this.enqueuedNanos = enqueuedNanos;
  }

  static PendingEntry single(
      String partitionKey,
      String explicitHashKey,
      byte[] data,
      int bytes,
      HashKey hashKey,
      long enqueuedNanos) {
    return new PendingEntry(
        partitionKey,
        explicitHashKey,
        data,
        bytes,
        hashKey,
        1,
        bytes,
        partitionKey,
        null,
        enqueuedNanos);
  }

  static PendingEntry aggregate(
      String partitionKey,
      String explicitHashKey,
      byte[] data,
      int bytes,
      int userRecords,
      long userBytes,
      String[] keys,
      long enqueuedNanos) {
    return new PendingEntry(
        partitionKey,
        explicitHashKey,
        data,
        bytes,
        null,
        userRecords,
        userBytes,
        null,
        keys,
        enqueuedNanos);
  }

  boolean isAggregate() {
    return aggregatedKeys != null;
  }
}
