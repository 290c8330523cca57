package dev.shardline.testkit.proxy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * A PutRecords request taken apart for the write quotas, and the two rewrites around it: the
 * request cut down to the accepted records, and the response put back together in the original
 * record order (the upstream's results for the accepted records, a throttling error for the
 * others). Works on both protocols: records are carried over as they came, so blobs stay byte
 * strings (CBOR) or base64 strings (JSON). Immutable.
 */
public final class PutRecordsBatch {
  static final int MAX_RECORDS = 500;
  static final long MAX_RECORD_BYTES = 1024L * 1024L;
  static final long MAX_REQUEST_BYTES = 5 * 1024L * 1024L;
  static final int MAX_PARTITION_KEY_LENGTH = 256;

  private final ObjectNode request;
  private final StreamId stream;
  private final ArrayNode records;
  private final BigInteger[] hashKeys;
  private final long[] sizes;

  private PutRecordsBatch(
      ObjectNode request, StreamId stream, ArrayNode records, BigInteger[] hashKeys, long[] sizes) {
    this.request = request;
    this.stream = stream;
    this.records = records;
    this.hashKeys = hashKeys;
    this.sizes = sizes;
  }

  /**
   * Takes a PutRecords request apart; empty when Kinesis would refuse it as a whole (no stream, no
   * or too many records, a record without partition key or data, over the size limits, a bad
   * explicit hash key). The proxy forwards such a request untouched, for the server to refuse.
   */
  public static Optional<PutRecordsBatch> parse(ObjectNode request) {
    Optional<StreamId> stream = StreamId.of(request);
    JsonNode records = request.get("Records");
    if (stream.isEmpty()
        || records == null
        || !records.isArray()
        || records.isEmpty()
        || records.size() > MAX_RECORDS) {
      return Optional.empty();
    }
    BigInteger[] hashKeys = new BigInteger[records.size()];
    long[] sizes = new long[records.size()];
    long total = 0;
    for (int i = 0; i < records.size(); i++) {
      Optional<WriteCost> cost = WriteCost.of(records.get(i));
      if (cost.isEmpty()) {
        return Optional.empty();
      }
      hashKeys[i] = cost.get().hashKey();
      sizes[i] = cost.get().bytes();
      total += sizes[i];
    }
    if (total > MAX_REQUEST_BYTES) {
      return Optional.empty();
    }
    return Optional.of(
        new PutRecordsBatch(request, stream.get(), (ArrayNode) records, hashKeys, sizes));
  }

  public StreamId stream() {
    return stream;
  }

  public int size() {
    return sizes.length;
  }

  public BigInteger[] hashKeys() {
    return hashKeys.clone();
  }

  /** Per record, the bytes it costs against the write quota (data plus partition key). */
  public long[] sizes() {
    return sizes.clone();
  }

  /** The request with only the accepted records, in their order; every other field as it was. */
  public ObjectNode acceptedOnly(boolean[] accepted) {
    ObjectNode rewritten = request.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = request.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals("Records")) {
        ArrayNode kept = rewritten.putArray("Records");
        for (int i = 0; i < accepted.length; i++) {
          if (accepted[i]) {
            kept.add(records.get(i));
          }
        }
      } else {
        rewritten.set(field.getKey(), field.getValue());
      }
    }
    return rewritten;
  }

  /**
   * The response the client gets: {@code upstream}'s results for the accepted records (in order)
   * and, in the places of the rejected ones, {@code ErrorCode} {@code
   * ProvisionedThroughputExceededException} with {@code rejectedMessages[i]}; {@code
   * FailedRecordCount} counts both. {@code upstream} is null when no record was accepted (and
   * nothing was forwarded).
   *
   * @throws IllegalStateException when the upstream answered for a different number of records
   */
  public ObjectNode mergeResponse(
      WireProtocol protocol, ObjectNode upstream, boolean[] accepted, String[] rejectedMessages) {
    int acceptedCount = 0;
    for (boolean a : accepted) {
      acceptedCount += a ? 1 : 0;
    }
    JsonNode upstreamRecords = upstream == null ? null : upstream.get("Records");
    int upstreamCount = upstreamRecords == null ? 0 : upstreamRecords.size();
    if (upstreamCount != acceptedCount) {
      throw new IllegalStateException(
          "The upstream answered a PutRecords of "
              + acceptedCount
              + " records with "
              + upstreamCount
              + " results");
    }
    long failed = accepted.length - acceptedCount;
    JsonNode upstreamFailed = upstream == null ? null : upstream.get("FailedRecordCount");
    if (upstreamFailed != null && upstreamFailed.canConvertToLong()) {
      failed += upstreamFailed.longValue();
    }
    ObjectNode merged = protocol.newObject();
    if (upstream != null) {
      merged.setAll(upstream);
    }
    merged.put("FailedRecordCount", failed);
    ArrayNode results = merged.putArray("Records");
    int next = 0;
    for (int i = 0; i < accepted.length; i++) {
      if (accepted[i]) {
        results.add(upstreamRecords.get(next++));
      } else {
        results
            .addObject()
            .put("ErrorCode", AwsErrors.THROUGHPUT_EXCEEDED)
            .put("ErrorMessage", rejectedMessages[i]);
      }
    }
    return merged;
  }

  /** What one record (of PutRecords, or the body of PutRecord) costs, and where it goes. */
  public record WriteCost(BigInteger hashKey, long bytes) {

    /** Empty when Kinesis would refuse the record. */
    public static Optional<WriteCost> of(JsonNode record) {
      if (record == null || !record.isObject()) {
        return Optional.empty();
      }
      String partitionKey = StreamId.text(record.get("PartitionKey"));
      long dataBytes = WireProtocol.blobLength(record.get("Data"));
      if (partitionKey == null
          || partitionKey.isEmpty()
          || partitionKey.length() > MAX_PARTITION_KEY_LENGTH
          || dataBytes < 0) {
        return Optional.empty();
      }
      long bytes = dataBytes + partitionKey.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_RECORD_BYTES) {
        return Optional.empty();
      }
      JsonNode explicit = record.get("ExplicitHashKey");
      BigInteger hashKey;
      if (explicit == null || explicit.isNull()) {
        hashKey = HashKeys.ofPartitionKey(partitionKey);
      } else {
        Optional<BigInteger> parsed = HashKeys.parseExplicit(StreamId.text(explicit));
        if (parsed.isEmpty()) {
          return Optional.empty();
        }
        hashKey = parsed.get();
      }
      return Optional.of(new WriteCost(hashKey, bytes));
    }
  }
}
