package dev.shardline.kinesis.aggregation;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A Kinesis hash key: an unsigned 128-bit integer, kept as two longs so that predicting a record's
 * shard costs one MD5 and a binary search, with no {@link BigInteger} per record. Kinesis maps a
 * record to the open shard whose hash key range holds the MD5 of its partition key (read as a
 * big-endian unsigned integer), or its explicit hash key when it has one.
 *
 * @param high the upper 64 bits, unsigned
 * @param low the lower 64 bits, unsigned
 */
public record HashKey(long high, long low) implements Comparable<HashKey> {
  /** 0. */
  public static final HashKey MIN = new HashKey(0, 0);

  /** 2^128 - 1, the largest hash key. */
  public static final HashKey MAX = new HashKey(-1L, -1L);

  private static final BigInteger TWO_TO_128 = BigInteger.ONE.shiftLeft(128);

  /** The hash key of a partition key: MD5 of its UTF-8 bytes. */
  public static HashKey ofPartitionKey(byte[] partitionKeyUtf8, MessageDigest md5) {
    byte[] digest = md5.digest(partitionKeyUtf8);
    return new HashKey(longAt(digest, 0), longAt(digest, 8));
  }

  /**
   * Parses a decimal hash key, as Kinesis writes them (shard ranges, explicit hash keys).
   *
   * @throws IllegalArgumentException when it is not a whole number from 0 to 2^128 - 1
   */
  public static HashKey parse(String decimal) {
    BigInteger value;
    try {
      value = new BigInteger(decimal);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "\"" + decimal + "\" is not a hash key: a whole number from 0 to 2^128 - 1 expected");
    }
    if (value.signum() < 0 || value.compareTo(TWO_TO_128) >= 0) {
      throw new IllegalArgumentException(
          "\"" + decimal + "\" is not a hash key: it must be from 0 to 2^128 - 1");
    }
    return new HashKey(value.shiftRight(64).longValue(), value.longValue());
  }

  /** A new MD5 digest; one per writer, as {@link MessageDigest} is not thread-safe. */
  public static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has MD5", e);
    }
  }

  @Override
  public int compareTo(HashKey other) {
    int c = Long.compareUnsigned(high, other.high);
    return c != 0 ? c : Long.compareUnsigned(low, other.low);
  }

  /** The decimal form, as Kinesis writes it. */
  public String toDecimal() {
    BigInteger value =
        new BigInteger(Long.toUnsignedString(high))
            .shiftLeft(64)
            .or(new BigInteger(Long.toUnsignedString(low)));
    return value.toString();
  }

  @Override
  public String toString() {
    return toDecimal();
  }

  private static long longAt(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[offset + i] & 0xFFL);
    }
    return value;
  }
}
