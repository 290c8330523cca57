package dev.shardline.kinesis.source.split;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Where reading a shard starts: a starting position before anything was read, or right after the
 * last record emitted. Immutable.
 *
 * <ul>
 *   <li>{@link Kind#LATEST}, {@link Kind#TRIM_HORIZON}, {@link Kind#AT_TIMESTAMP}, {@link
 *       Kind#AT_SEQUENCE_NUMBER}: a starting position the user chose, or TRIM_HORIZON for a shard
 *       created after the source started.
 *   <li>{@link Kind#AFTER_SEQUENCE_NUMBER}: right after the record with {@link #sequenceNumber()}.
 *       With a {@link #subSequenceNumber()} of 0 or more, that record is a KPL aggregate and
 *       reading resumes inside it, after that user record; -1 means after the whole record. {@link
 *       #arrivalMillis()} is that record's approximate arrival time when known (-1 when not), used
 *       to tell a position that has fallen out of the stream's retention.
 * </ul>
 *
 * @param kind what kind of position
 * @param sequenceNumber for AT/AFTER_SEQUENCE_NUMBER, otherwise null
 * @param subSequenceNumber for AFTER_SEQUENCE_NUMBER: the last user record emitted inside an
 *     aggregate, or -1
 * @param timestamp for AT_TIMESTAMP, otherwise null
 * @param arrivalMillis for AFTER_SEQUENCE_NUMBER: the arrival time of that record, or -1
 */
public record ShardPosition(
    Kind kind,
    String sequenceNumber,
    long subSequenceNumber,
    Instant timestamp,
    long arrivalMillis) {

  /** The kinds of position. */
  public enum Kind {
    LATEST,
    TRIM_HORIZON,
    AT_TIMESTAMP,
    AT_SEQUENCE_NUMBER,
    AFTER_SEQUENCE_NUMBER
  }

  private static final ShardPosition LATEST = new ShardPosition(Kind.LATEST, null, -1, null, -1);
  private static final ShardPosition TRIM_HORIZON =
      new ShardPosition(Kind.TRIM_HORIZON, null, -1, null, -1);

  public ShardPosition {
    checkNotNull(kind, "kind");
    boolean sequence = kind == Kind.AT_SEQUENCE_NUMBER || kind == Kind.AFTER_SEQUENCE_NUMBER;
    checkArgument(
        sequence == (sequenceNumber != null), kind + " needs a sequence number, and only it");
    if (sequenceNumber != null) {
      checkArgument(
          !sequenceNumber.isEmpty() && sequenceNumber.chars().allMatch(Character::isDigit),
          "sequenceNumber must be digits, was \"" + sequenceNumber + "\"");
    }
    checkArgument(
        (kind == Kind.AT_TIMESTAMP) == (timestamp != null),
        kind + " needs a timestamp, and only it");
    checkArgument(
        subSequenceNumber >= -1 && (subSequenceNumber == -1 || kind == Kind.AFTER_SEQUENCE_NUMBER),
        "subSequenceNumber is -1, or 0 or more after a sequence number");
    checkArgument(
        arrivalMillis >= -1 && (arrivalMillis == -1 || kind == Kind.AFTER_SEQUENCE_NUMBER),
        "arrivalMillis is -1, or 0 or more after a sequence number");
  }

  /** The newest end of the shard: only records written from now on. */
  public static ShardPosition latest() {
    return LATEST;
  }

  /** The oldest record still in the shard. */
  public static ShardPosition trimHorizon() {
    return TRIM_HORIZON;
  }

  /** The first record that arrived at or after {@code timestamp}. */
  public static ShardPosition atTimestamp(Instant timestamp) {
    return new ShardPosition(Kind.AT_TIMESTAMP, null, -1, checkNotNull(timestamp, "timestamp"), -1);
  }

  /**
   * How far before the moment a LATEST start is pinned the pinned time lies: records that arrived
   * in this second before the start may be read after an iterator renewal or a restore (never
   * twice: nothing was emitted before), and this host's clock may run this far ahead of Kinesis's
   * without a gap, or a refusal of a timestamp in the future.
   */
  public static final Duration LATEST_PIN_MARGIN = Duration.ofSeconds(1);

  /**
   * LATEST pinned to a time, for every use after the first GetShardIterator: AT_TIMESTAMP of {@code
   * now} minus {@link #LATEST_PIN_MARGIN}. A new LATEST iterator would start at the shard's end at
   * the time of that call, skipping what was written since the start.
   */
  public static ShardPosition latestPinnedAt(Instant now) {
    return atTimestamp(checkNotNull(now, "now").minus(LATEST_PIN_MARGIN));
  }

  /** The record with {@code sequenceNumber}, inclusive. */
  public static ShardPosition atSequenceNumber(String sequenceNumber) {
    return new ShardPosition(Kind.AT_SEQUENCE_NUMBER, sequenceNumber, -1, null, -1);
  }

  /** Right after the record with {@code sequenceNumber}. */
  public static ShardPosition afterSequenceNumber(String sequenceNumber) {
    return new ShardPosition(Kind.AFTER_SEQUENCE_NUMBER, sequenceNumber, -1, null, -1);
  }

  /**
   * Right after an emitted record: {@code subSequenceNumber} -1 for a whole record, or the index of
   * the last user record emitted from a KPL aggregate; {@code arrivalMillis} its arrival time, or
   * -1.
   */
  public static ShardPosition afterRecord(
      String sequenceNumber, long subSequenceNumber, long arrivalMillis) {
    return new ShardPosition(
        Kind.AFTER_SEQUENCE_NUMBER, sequenceNumber, subSequenceNumber, null, arrivalMillis);
  }

  /** Whether this position resumes inside an aggregated record. */
  public boolean isInsideAggregate() {
    return kind == Kind.AFTER_SEQUENCE_NUMBER && subSequenceNumber >= 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardPosition p
        && kind == p.kind
        && Objects.equals(sequenceNumber, p.sequenceNumber)
        && subSequenceNumber == p.subSequenceNumber
        && Objects.equals(timestamp, p.timestamp)
        && arrivalMillis == p.arrivalMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, sequenceNumber, subSequenceNumber, timestamp, arrivalMillis);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case LATEST -> "LATEST";
      case TRIM_HORIZON -> "TRIM_HORIZON";
      case AT_TIMESTAMP -> "AT_TIMESTAMP " + timestamp;
      case AT_SEQUENCE_NUMBER -> "AT_SEQUENCE_NUMBER " + sequenceNumber;
      case AFTER_SEQUENCE_NUMBER ->
          "AFTER_SEQUENCE_NUMBER "
              + sequenceNumber
              + (subSequenceNumber >= 0 ? " sub-sequence " + subSequenceNumber : "");
    };
  }
}
