package dev.shardline.kinesis.aggregation;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;
import static dev.shardline.util.Preconditions.checkState;

import dev.shardline.kinesis.aggregation.internal.Protobuf;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs user records into one KPL-aggregated Kinesis record (see {@link KplFormat}): the documented
 * KPL aggregation format, which the KCL and {@link RecordDeaggregator} de-aggregate (checked
 * against protobuf-java and the format's documented sample, not against the KCL). It keeps the
 * exact encoded size as records are added, so {@link #tryAdd} refuses the record that would push
 * the Kinesis record (data plus partition key) past the size limit. Not thread-safe.
 *
 * <pre>{@code
 * RecordAggregator aggregator = new RecordAggregator();
 * for (UserRecord user : batch) {
 *   if (!aggregator.tryAdd(user)) {
 *     send(aggregator.partitionKey(), aggregator.explicitHashKey(), aggregator.toBytes());
 *     aggregator.clear();
 *     aggregator.tryAdd(user);
 *   }
 * }
 * }</pre>
 *
 * <p>Defaults: a limit of {@link KplFormat#MAX_RECORD_BYTES} (1 MiB, Kinesis's record limit).
 */
public final class RecordAggregator {
  private static final int OVERHEAD = KplFormat.MAGIC.length + KplFormat.DIGEST_LENGTH;

  private final int maxBytes;
  private final Map<String, Integer> partitionKeys = new LinkedHashMap<>();
  private final Map<String, Integer> explicitHashKeys = new LinkedHashMap<>();
  private final List<byte[]> encodedRecords = new ArrayList<>();
  private int protobufBytes;

  /** An aggregator with the 1 MiB Kinesis record limit. */
  public RecordAggregator() {
    this(KplFormat.MAX_RECORD_BYTES);
  }

  /** An aggregator whose records (data plus partition key) stay within {@code maxBytes}. */
  public RecordAggregator(int maxBytes) {
    checkArgument(maxBytes > OVERHEAD, "maxBytes must be more than " + OVERHEAD);
    this.maxBytes = maxBytes;
  }

  /** Adds one user record; see {@link #tryAdd(String, String, byte[])}. */
  public boolean tryAdd(UserRecord record) {
    checkNotNull(record, "record");
    return tryAdd(record.partitionKey(), record.explicitHashKey(), record.data());
  }

  /**
   * Adds one user record unless the aggregated record would then exceed the limit.
   *
   * @param explicitHashKey may be null
   * @return whether it was added; when not, send what is held, {@link #clear()}, and add it again
   * @throws IllegalArgumentException when the record alone is over the limit
   */
  public boolean tryAdd(String partitionKey, String explicitHashKey, byte[] data) {
    checkNotNull(partitionKey, "partitionKey");
    checkNotNull(data, "data");
    Integer pkIndex = partitionKeys.get(partitionKey);
    Integer ehkIndex = explicitHashKey == null ? null : explicitHashKeys.get(explicitHashKey);
    int added = 0;
    if (pkIndex == null) {
      added +=
          Protobuf.lengthDelimitedSize(KplFormat.FIELD_PARTITION_KEY_TABLE, utf8(partitionKey));
    }
    if (explicitHashKey != null && ehkIndex == null) {
      added +=
          Protobuf.lengthDelimitedSize(
              KplFormat.FIELD_EXPLICIT_HASH_KEY_TABLE, utf8(explicitHashKey));
    }
    int newPkIndex = pkIndex == null ? partitionKeys.size() : pkIndex;
    int newEhkIndex = ehkIndex == null ? explicitHashKeys.size() : ehkIndex;
    Protobuf.Writer record = new Protobuf.Writer(data.length + 16);
    record.varintField(KplFormat.FIELD_PARTITION_KEY_INDEX, newPkIndex);
    if (explicitHashKey != null) {
      record.varintField(KplFormat.FIELD_EXPLICIT_HASH_KEY_INDEX, newEhkIndex);
    }
    record.bytesField(KplFormat.FIELD_DATA, data);
    byte[] encoded = record.toByteArray();
    added += Protobuf.lengthDelimitedSize(KplFormat.FIELD_RECORDS, encoded.length);

    int firstKeyBytes = partitionKeys.isEmpty() ? utf8(partitionKey) : firstPartitionKeyBytes();
    int total = OVERHEAD + protobufBytes + added + firstKeyBytes;
    if (total > maxBytes) {
      checkArgument(
          !encodedRecords.isEmpty(),
          "a user record of "
              + data.length
              + " bytes with partition key \""
              + partitionKey
              + "\" does not fit in one aggregated record of at most "
              + maxBytes
              + " bytes");
      return false;
    }
    if (pkIndex == null) {
      partitionKeys.put(partitionKey, newPkIndex);
    }
    if (explicitHashKey != null && ehkIndex == null) {
      explicitHashKeys.put(explicitHashKey, newEhkIndex);
    }
    encodedRecords.add(encoded);
    protobufBytes += added;
    return true;
  }

  /** How many user records are held. */
  public int size() {
    return encodedRecords.size();
  }

  /** Whether no user record is held. */
  public boolean isEmpty() {
    return encodedRecords.isEmpty();
  }

  /** The size of the Kinesis record {@link #toBytes()} would make, partition key included. */
  public int sizeInBytes() {
    return isEmpty() ? 0 : OVERHEAD + protobufBytes + firstPartitionKeyBytes();
  }

  /**
   * The partition key to put the aggregated record with: the first user record's. Kinesis routes
   * the whole aggregate to one shard by it (or by {@link #explicitHashKey()}).
   */
  public String partitionKey() {
    checkState(!isEmpty(), "no user record was added");
    return partitionKeys.keySet().iterator().next();
  }

  /** The first user record's explicit hash key, or null when it had none. */
  public String explicitHashKey() {
    checkState(!isEmpty(), "no user record was added");
    return explicitHashKeys.isEmpty() ? null : firstExplicitHashKeyOfFirstRecord();
  }

  /** The aggregated record's data: magic bytes, protobuf, MD5 digest. */
  public byte[] toBytes() {
    checkState(!isEmpty(), "no user record was added");
    Protobuf.Writer protobuf = new Protobuf.Writer(protobufBytes);
    for (String key : partitionKeys.keySet()) {
      protobuf.stringField(KplFormat.FIELD_PARTITION_KEY_TABLE, key);
    }
    for (String key : explicitHashKeys.keySet()) {
      protobuf.stringField(KplFormat.FIELD_EXPLICIT_HASH_KEY_TABLE, key);
    }
    for (byte[] record : encodedRecords) {
      protobuf.bytesField(KplFormat.FIELD_RECORDS, record);
    }
    byte[] body = protobuf.toByteArray();
    MessageDigest md5 = RecordDeaggregator.md5();
    byte[] digest = md5.digest(body);
    byte[] out = new byte[KplFormat.MAGIC.length + body.length + digest.length];
    System.arraycopy(KplFormat.MAGIC, 0, out, 0, KplFormat.MAGIC.length);
    System.arraycopy(body, 0, out, KplFormat.MAGIC.length, body.length);
    System.arraycopy(digest, 0, out, KplFormat.MAGIC.length + body.length, digest.length);
    return out;
  }

  /** Forgets every held user record. */
  public void clear() {
    partitionKeys.clear();
    explicitHashKeys.clear();
    encodedRecords.clear();
    protobufBytes = 0;
  }

  private String firstExplicitHashKeyOfFirstRecord() {
    // the first record's explicit hash key index is read back from its encoding
    Protobuf.Reader reader =
        new Protobuf.Reader(encodedRecords.get(0), 0, encodedRecords.get(0).length);
    while (reader.hasMore()) {
      int tag = reader.tag();
      if ((tag >>> 3) == KplFormat.FIELD_EXPLICIT_HASH_KEY_INDEX) {
        long index = reader.varint();
        return new ArrayList<>(explicitHashKeys.keySet()).get((int) index);
      }
      reader.skip(tag & 7);
    }
    return null;
  }

  private int firstPartitionKeyBytes() {
    return utf8(partitionKeys.keySet().iterator().next());
  }

  private static int utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
