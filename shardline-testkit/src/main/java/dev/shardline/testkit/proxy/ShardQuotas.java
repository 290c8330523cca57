package dev.shardline.testkit.proxy;

/**
 * The per-shard throughput limits a {@link KinesisQuotaProxy} enforces. Immutable and thread-safe.
 *
 * <p>Defaults ({@link #aws()}) are those of a provisioned Kinesis Data Streams shard:
 *
 * <ul>
 *   <li>writes: {@value #AWS_WRITE_RECORDS_PER_SECOND} records and 1 MiB (data plus partition key
 *       bytes) per second;
 *   <li>reads: {@value #AWS_READ_CALLS_PER_SECOND} {@code GetRecords} calls and 2 MiB of record
 *       data per second.
 * </ul>
 *
 * <p>Tests scale them down to reach throttling with few records:
 *
 * <pre>{@code
 * ShardQuotas small = ShardQuotas.aws().withWriteRecordsPerSecond(10).withReadCallsPerSecond(2);
 * }</pre>
 *
 * @param writeRecordsPerSecond records accepted per shard in any one-second window
 * @param writeBytesPerSecond data plus partition key bytes accepted per shard in any one-second
 *     window
 * @param readCallsPerSecond {@code GetRecords} calls served per shard in any one-second window
 * @param readBytesPerSecond record data bytes {@code GetRecords} may return per shard per second,
 *     on average: a call that goes over still returns its data, later calls are throttled until the
 *     budget has recovered
 */
public record ShardQuotas(
    int writeRecordsPerSecond,
    long writeBytesPerSecond,
    int readCallsPerSecond,
    long readBytesPerSecond) {

  /** One mebibyte, 1,048,576 bytes. */
  public static final long MIB = 1024L * 1024L;

  /** AWS: records written per shard per second. */
  public static final int AWS_WRITE_RECORDS_PER_SECOND = 1_000;

  /** AWS: bytes written per shard per second. */
  public static final long AWS_WRITE_BYTES_PER_SECOND = MIB;

  /** AWS: GetRecords calls per shard per second. */
  public static final int AWS_READ_CALLS_PER_SECOND = 5;

  /** AWS: bytes read per shard per second. */
  public static final long AWS_READ_BYTES_PER_SECOND = 2 * MIB;

  /**
   * @throws IllegalArgumentException when a limit is not positive
   */
  public ShardQuotas {
    requirePositive("writeRecordsPerSecond", writeRecordsPerSecond);
    requirePositive("writeBytesPerSecond", writeBytesPerSecond);
    requirePositive("readCallsPerSecond", readCallsPerSecond);
    requirePositive("readBytesPerSecond", readBytesPerSecond);
  }

  /** The limits of a provisioned shard on AWS. */
  public static ShardQuotas aws() {
    return new ShardQuotas(
        AWS_WRITE_RECORDS_PER_SECOND,
        AWS_WRITE_BYTES_PER_SECOND,
        AWS_READ_CALLS_PER_SECOND,
        AWS_READ_BYTES_PER_SECOND);
  }

  /** These quotas with another writeRecordsPerSecond. */
  public ShardQuotas withWriteRecordsPerSecond(int value) {
    return new ShardQuotas(value, writeBytesPerSecond, readCallsPerSecond, readBytesPerSecond);
  }

  /** These quotas with another writeBytesPerSecond. */
  public ShardQuotas withWriteBytesPerSecond(long value) {
    return new ShardQuotas(writeRecordsPerSecond, value, readCallsPerSecond, readBytesPerSecond);
  }

  /** These quotas with another readCallsPerSecond. */
  public ShardQuotas withReadCallsPerSecond(int value) {
    return new ShardQuotas(writeRecordsPerSecond, writeBytesPerSecond, value, readBytesPerSecond);
  }

  /** These quotas with another readBytesPerSecond. */
  public ShardQuotas withReadBytesPerSecond(long value) {
    return new ShardQuotas(writeRecordsPerSecond, writeBytesPerSecond, readCallsPerSecond, value);
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          name + " must be positive, was " + value + "; use ShardQuotas.aws() for AWS's limits");
    }
  }
}
