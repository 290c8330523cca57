package dev.shardline.kinesis.source;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.time.Instant;
import java.util.Objects;

/**
 * One record from a Kinesis source: the decoded value and where it came from. For a record inside a
 * KPL aggregate, {@code subSequenceNumber} is its index in the aggregate (0 or more) and {@code
 * partitionKey} / {@code explicitHashKey} are the user record's own; for a plain record {@code
 * subSequenceNumber} is -1. The approximate arrival time is also the record's event time. Immutable
 * (the value is as immutable as the format makes it).
 *
 * <pre>{@code
 * pipeline.map(r -> r.value().get("orderId").asText() + "@" + r.shardId());
 * }</pre>
 *
 * @param value the decoded value
 * @param stream the stream's name
 * @param shardId the shard it was read from
 * @param partitionKey its partition key
 * @param explicitHashKey its explicit hash key inside an aggregate, or null
 * @param sequenceNumber the Kinesis sequence number
 * @param subSequenceNumber the index inside a KPL aggregate, or -1
 * @param approximateArrivalTimestamp when Kinesis received it
 * @param <T> the value type
 */
public record KinesisRecord<T>(
    T value,
    String stream,
    String shardId,
    String partitionKey,
    String explicitHashKey,
    String sequenceNumber,
    long subSequenceNumber,
    Instant approximateArrivalTimestamp) {

  public KinesisRecord {
    checkNotNull(value, "value");
    checkNotNull(stream, "stream");
    checkNotNull(shardId, "shardId");
    checkNotNull(partitionKey, "partitionKey");
    checkNotNull(sequenceNumber, "sequenceNumber");
    checkNotNull(approximateArrivalTimestamp, "approximateArrivalTimestamp");
  }

  /** The event time: the approximate arrival time in milliseconds since the epoch. */
  public long eventTimeMillis() {
    return approximateArrivalTimestamp.toEpochMilli();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KinesisRecord<?> r
        && (value instanceof byte[] a && r.value instanceof byte[] b
            ? java.util.Arrays.equals(a, b)
            : value.equals(r.value))
        && stream.equals(r.stream)
        && shardId.equals(r.shardId)
        && partitionKey.equals(r.partitionKey)
        && Objects.equals(explicitHashKey, r.explicitHashKey)
        && sequenceNumber.equals(r.sequenceNumber)
        && subSequenceNumber == r.subSequenceNumber
        && approximateArrivalTimestamp.equals(r.approximateArrivalTimestamp);
  }

  @Override
  public int hashCode() {
    return Objects.hash(stream, shardId, sequenceNumber, subSequenceNumber);
  }

  @Override
  public String toString() {
    return "KinesisRecord{"
        + stream
        + "/"
        + shardId
        + " "
        + sequenceNumber
        + (subSequenceNumber >= 0 ? "." + subSequenceNumber : "")
        + " key="
        + partitionKey
        + ", value="
        + (value instanceof byte[] b ? b.length + " bytes" : value)
        + "}";
  }
}
