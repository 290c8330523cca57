package dev.shardline.kinesis.aggregation;

/**
 * Constants of the KPL aggregation format, as documented by the Kinesis Producer Library ({@code
 * aggregation-format.md}): a Kinesis record whose data is the 4 magic bytes {@code F3 89 9A C2}, a
 * protobuf {@code AggregatedRecord}, and the 16-byte MD5 digest of the protobuf bytes.
 *
 * <pre>
 * message AggregatedRecord {
 *   repeated string partition_key_table     = 1;
 *   repeated string explicit_hash_key_table = 2;
 *   repeated Record records                 = 3;
 * }
 * message Record {
 *   required uint64 partition_key_index     = 1;
 *   optional uint64 explicit_hash_key_index = 2;
 *   required bytes  data                    = 3;
 *   repeated Tag    tags                    = 4;
 * }
 * message Tag { required string key = 1; optional string value = 2; }
 * </pre>
 *
 * <p>The user records of one aggregated record share its sequence number and are told apart by
 * their sub-sequence number, their index in {@code records} (0 for the first).
 */
public final class KplFormat {
  private KplFormat() {}

  /** The 4 bytes every aggregated record starts with. */
  static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

  /** The length of the trailing MD5 digest. */
  static final int DIGEST_LENGTH = 16;

  /** The largest Kinesis record: 1 MiB of data plus partition key. */
  public static final int MAX_RECORD_BYTES = 1024 * 1024;

  static final int FIELD_PARTITION_KEY_TABLE = 1;
  static final int FIELD_EXPLICIT_HASH_KEY_TABLE = 2;
  static final int FIELD_RECORDS = 3;
  static final int FIELD_PARTITION_KEY_INDEX = 1;
  static final int FIELD_EXPLICIT_HASH_KEY_INDEX = 2;
  static final int FIELD_DATA = 3;
  static final int FIELD_TAGS = 4;
}
