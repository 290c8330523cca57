package dev.shardline.kinesis.source.reader;

import dev.shardline.kinesis.source.split.KinesisShardSplit;
import dev.shardline.kinesis.source.split.ShardPosition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** One shard a reader reads: position, iterator, buffered records, pacing. Reader thread only. */
final class ShardReadState {
  /** Where the shard is in its cycle. */
  enum Phase {
    /** Waiting until {@link #dueNanos} to make its next call. */
    WAITING,
    /** Waiting for the stream's retention period before its first call. */
    AWAITING_RETENTION,
    /** A call is in flight. */
    IN_FLIGHT,
    /** Records are buffered to be emitted. */
    BUFFERED
  }

  final KinesisShardSplit split;
  final String splitId;
  ShardPosition position;
  String iterator;
  final ArrayDeque<PendingRecord> buffer = new ArrayDeque<>();
  boolean endOfShard;
  Phase phase = Phase.WAITING;
  long dueNanos;
  long dueOrder;
  long lastCallStartNanos = Long.MIN_VALUE;
  int failures;
  int throttledInARow;
  boolean checkRetention;
  volatile long millisBehindLatest = -1;
  final List<Meter> meters = new ArrayList<>();
  Counter records;
  Counter bytes;
  Counter throttled;
  Counter renewals;
  Counter calls;

  ShardReadState(KinesisShardSplit split) {
    this.split = split;
    this.splitId = split.splitId();
    this.position = split.position();
  }

  /** One user record waiting to be emitted. */
  record PendingRecord(
      String sequenceNumber,
      long subSequenceNumber,
      boolean lastOfRecord,
      String partitionKey,
      String explicitHashKey,
      byte[] data,
      long arrivalMillis) {}
}
