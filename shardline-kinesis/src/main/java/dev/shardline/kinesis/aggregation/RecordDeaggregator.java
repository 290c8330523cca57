package dev.shardline.kinesis.aggregation;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.kinesis.aggregation.internal.Protobuf;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Splits a KPL-aggregated Kinesis record into its user records (see {@link KplFormat}). A record
 * that does not start with the magic bytes, whose MD5 digest does not match, or whose protobuf is
 * malformed is not an aggregate: {@link #deaggregate} returns empty and the caller passes it
 * through as one plain record, as the KPL's own consumers do. Stateless and thread-safe.
 *
 * <pre>{@code
 * Optional<List<UserRecord>> users = RecordDeaggregator.deaggregate(record.data().asByteArray());
 * if (users.isEmpty()) {
 *   // a plain record
 * }
 * }</pre>
 */
public final class RecordDeaggregator {
  private RecordDeaggregator() {}

  /** Whether {@code data} starts with the KPL magic bytes (a cheap first check). */
  public static boolean hasMagic(byte[] data) {
    checkNotNull(data, "data");
    if (data.length < KplFormat.MAGIC.length + KplFormat.DIGEST_LENGTH) {
      return false;
    }
    for (int i = 0; i < KplFormat.MAGIC.length; i++) {
      if (data[i] != KplFormat.MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The user records of an aggregated record, in sub-sequence order; empty when {@code data} is not
   * a valid aggregate (wrong magic, wrong digest, malformed protobuf, an index out of its table).
   */
  public static Optional<List<UserRecord>> deaggregate(byte[] data) {
    if (!hasMagic(data)) {
      return Optional.empty();
    }
    int start = KplFormat.MAGIC.length;
    int length = data.length - start - KplFormat.DIGEST_LENGTH;
    MessageDigest md5 = md5();
    md5.update(data, start, length);
    byte[] digest = md5.digest();
    if (!Arrays.equals(
        digest, 0, digest.length, data, start + length, start + length + digest.length)) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(new Protobuf.Reader(data, start, length)));
    } catch (Protobuf.MalformedException e) {
      return Optional.empty();
    }
  }

  /**
   * The first user record of an aggregate that does not belong to the shard it was read from: its
   * hash key (its explicit hash key, else the MD5 of its partition key) is outside the shard's hash
   * key range {@code [start, end]}, or its explicit hash key is not a hash key. Empty when every
   * user record belongs there.
   *
   * <p>Kinesis puts an aggregate where its own partition key (or explicit hash key) routes it. A
   * producer that packed it by a shard map that resharding has since changed can thus put user
   * records in a shard that does not own their keys. The KCL ({@code AggregatorUtil.deaggregate}
   * with the shard's range) drops such an aggregate whole, silently; Shardline's source drops it
   * whole too, counted and logged, and Shardline's sink sends all its user records again.
   *
   * @param md5 a digest this thread owns
   */
  public static Optional<UserRecord> firstOutside(
      List<UserRecord> users, HashKey start, HashKey end, MessageDigest md5) {
    // user records share the aggregate's table of partition keys: hash each key once
    Set<String> keysInside = new HashSet<>();
    for (UserRecord user : users) {
      HashKey hash;
      if (user.explicitHashKey() == null && keysInside.contains(user.partitionKey())) {
        continue;
      }
      if (user.explicitHashKey() != null) {
        try {
          hash = HashKey.parse(user.explicitHashKey());
        } catch (IllegalArgumentException notAHashKey) {
          return Optional.of(user);
        }
      } else {
        hash = HashKey.ofPartitionKey(user.partitionKey().getBytes(StandardCharsets.UTF_8), md5);
      }
      if (hash.compareTo(start) < 0 || hash.compareTo(end) > 0) {
        return Optional.of(user);
      }
      if (user.explicitHashKey() == null) {
        keysInside.add(user.partitionKey());
      }
    }
    return Optional.empty();
  }

  private static List<UserRecord> parse(Protobuf.Reader reader) {
    List<String> partitionKeys = new ArrayList<>();
    List<String> explicitHashKeys = new ArrayList<>();
    List<Protobuf.Reader> records = new ArrayList<>();
    while (reader.hasMore()) {
      int tag = reader.tag();
      int field = tag >>> 3;
      int wireType = tag & 7;
      if (field == KplFormat.FIELD_PARTITION_KEY_TABLE && wireType == Protobuf.LENGTH_DELIMITED) {
        partitionKeys.add(reader.string());
      } else if (field == KplFormat.FIELD_EXPLICIT_HASH_KEY_TABLE
          && wireType == Protobuf.LENGTH_DELIMITED) {
        explicitHashKeys.add(reader.string());
      } else if (field == KplFormat.FIELD_RECORDS && wireType == Protobuf.LENGTH_DELIMITED) {
        records.add(reader.message());
      } else {
        reader.skip(wireType);
      }
    }
    List<UserRecord> users = new ArrayList<>(records.size());
    for (Protobuf.Reader record : records) {
      users.add(parseRecord(record, partitionKeys, explicitHashKeys));
    }
    return users;
  }

  private static UserRecord parseRecord(
      Protobuf.Reader reader, List<String> partitionKeys, List<String> explicitHashKeys) {
    long partitionKeyIndex = -1;
    long explicitHashKeyIndex = -1;
    byte[] data = null;
    while (reader.hasMore()) {
      int tag = reader.tag();
      int field = tag >>> 3;
      int wireType = tag & 7;
      if (field == KplFormat.FIELD_PARTITION_KEY_INDEX && wireType == Protobuf.VARINT) {
        partitionKeyIndex = reader.varint();
      } else if (field == KplFormat.FIELD_EXPLICIT_HASH_KEY_INDEX && wireType == Protobuf.VARINT) {
        explicitHashKeyIndex = reader.varint();
      } else if (field == KplFormat.FIELD_DATA && wireType == Protobuf.LENGTH_DELIMITED) {
        data = reader.bytes();
      } else {
        reader.skip(wireType); // tags, and fields of later versions
      }
    }
    if (data == null) {
      throw new Protobuf.MalformedException("a record without data");
    }
    if (partitionKeyIndex < 0 || partitionKeyIndex >= partitionKeys.size()) {
      throw new Protobuf.MalformedException("partition key index out of the table");
    }
    String explicitHashKey = null;
    if (explicitHashKeyIndex >= 0) {
      if (explicitHashKeyIndex >= explicitHashKeys.size()) {
        throw new Protobuf.MalformedException("explicit hash key index out of the table");
      }
      explicitHashKey = explicitHashKeys.get((int) explicitHashKeyIndex);
    }
    return new UserRecord(partitionKeys.get((int) partitionKeyIndex), explicitHashKey, data);
  }

  static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has MD5", e);
    }
  }
}
