package dev.shardline.kinesis.source.reader;

import dev.shardline.format.RecordCoordinates;
import dev.shardline.kinesis.aggregation.HashKey;
import dev.shardline.kinesis.source.split.KinesisShardSplit;
import dev.shardline.kinesis.source.split.ShardPosition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * One shard a reader reads: position, buffered records, meters (the reader's core), and the polling
 * fetcher's iterator and pacing. Reader thread only.
 */
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
  private ShardPosition position;
  // the last emitted record; the position is made from it only when someone asks (a checkpoint, a
  // new iterator, the next batch): a ShardPosition per record was most of the reader's CPU
  private String emittedSequence;
  private long emittedSubSequence;
  private long emittedArrivalMillis;
  final ArrayDeque<PendingRecord> buffer = new ArrayDeque<>();
  boolean endOfShard;
  Phase phase = Phase.WAITING;

  // the polling fetcher's (PollingShardFetcher): a fan-out fetcher keeps its own per-shard state
  String iterator;
  long dueNanos;
  long dueOrder;
  long lastCallStartNanos = Long.MIN_VALUE;
  int failures;
  int throttledInARow;
  // caught-up answers (no records, MillisBehindLatest 0) in a row: the idle wait grows with them
  int emptyInARow;
  // whether a GetRecords call has been answered since the shard was added: the first asks for less
  boolean answered;
  boolean checkRetention;

  /**
   * A split that arrived at LATEST: its position was pinned to AT_TIMESTAMP of its arrival, and
   * only its first GetShardIterator asks for LATEST (see {@code KinesisShardReader#addSplits}).
   */
  boolean latestOnFirstCall;

  volatile long millisBehindLatest = -1;
  final List<Meter> meters = new ArrayList<>();
  Counter records;
  Counter bytes;
  Counter throttled;
  Counter renewals;
  Counter calls;

  /**
   * The shard's hash key range, both ends included, against which aggregates are checked; null when
   * the split's range is not a pair of hash keys (then no aggregate is checked).
   */
  final HashKey rangeStart;

  final HashKey rangeEnd;

  ShardReadState(KinesisShardSplit split) {
    this.split = split;
    this.splitId = split.splitId();
    this.position = split.position();
    HashKey start = null;
    HashKey end = null;
    try {
      start = HashKey.parse(split.startingHashKey());
      end = HashKey.parse(split.endingHashKey());
    } catch (IllegalArgumentException notAHashKey) {
      start = null;
      end = null;
    }
    this.rangeStart = start;
    this.rangeEnd = end;
  }

  /** Where reading resumes: right after the last emitted record, else where the shard started. */
  ShardPosition position() {
    if (emittedSequence != null) {
      position =
          ShardPosition.afterRecord(emittedSequence, emittedSubSequence, emittedArrivalMillis);
      emittedSequence = null;
    }
    return position;
  }

  void position(ShardPosition newPosition) {
    position = newPosition;
    emittedSequence = null;
  }

  /**
   * Where the shard's next GetShardIterator or SubscribeToShard starts: at {@link #position()},
   * except that the first call of a split that arrived at LATEST asks for LATEST.
   */
  StartAt startAt() {
    ShardPosition p = position();
    String sequence = p.sequenceNumber();
    Instant timestamp = p.timestamp();
    if (latestOnFirstCall) {
      // the first call of a split that arrived at LATEST; anything after it uses the pinned time
      latestOnFirstCall = false;
      p = ShardPosition.latest();
      timestamp = null;
    }
    ShardIteratorType type =
        switch (p.kind()) {
          case LATEST -> ShardIteratorType.LATEST;
          case TRIM_HORIZON -> ShardIteratorType.TRIM_HORIZON;
          case AT_TIMESTAMP -> ShardIteratorType.AT_TIMESTAMP;
          case AT_SEQUENCE_NUMBER -> ShardIteratorType.AT_SEQUENCE_NUMBER;
          // inside an aggregate: read it again and skip the user records already emitted
          case AFTER_SEQUENCE_NUMBER ->
              p.isInsideAggregate()
                  ? ShardIteratorType.AT_SEQUENCE_NUMBER
                  : ShardIteratorType.AFTER_SEQUENCE_NUMBER;
        };
    return new StartAt(p, type, sequence, timestamp);
  }

  /**
   * Where a call starts reading a shard.
   *
   * @param position the position asked for (LATEST on the first call of a split at LATEST)
   * @param sequence for AT/AFTER_SEQUENCE_NUMBER, otherwise null
   * @param timestamp for AT_TIMESTAMP, otherwise null
   */
  record StartAt(
      ShardPosition position, ShardIteratorType type, String sequence, Instant timestamp) {}

  /** {@code record} was emitted (all of it, or up to this user record of an aggregate). */
  void emitted(PendingRecord record) {
    emittedSequence = record.sequenceNumber();
    emittedSubSequence = record.lastOfRecord() ? -1 : record.subSequenceNumber();
    emittedArrivalMillis = record.arrival().toEpochMilli();
  }

  /**
   * One user record waiting to be emitted; also its own coordinates for the bad-data policy, so
   * that the map is only built for a bad record.
   */
  record PendingRecord(
      KinesisShardSplit split,
      String sequenceNumber,
      long subSequenceNumber,
      boolean lastOfRecord,
      String partitionKey,
      String explicitHashKey,
      byte[] data,
      Instant arrival)
      implements RecordCoordinates {

    @Override
    public Map<String, String> asMap() {
      Map<String, String> map = new LinkedHashMap<>();
      map.put("stream", split.stream());
      map.put("shardId", split.shardId());
      map.put("sequenceNumber", sequenceNumber);
      if (subSequenceNumber >= 0) {
        map.put("subSequenceNumber", Long.toString(subSequenceNumber));
      }
      map.put("partitionKey", partitionKey);
      return map;
    }
  }
}
