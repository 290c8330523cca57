package dev.shardline.testkit.proxy.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Kinesis hash keys: where a record lands in a stream's 128-bit hash key space. */
public final class HashKeys {
  /** The largest hash key, 2^128 - 1. */
  public static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]{0,38}");
  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("This JVM has no MD5, which every JVM must have", e);
            }
          });

  private HashKeys() {}

  /** The hash key of a partition key: MD5 of its UTF-8 bytes, as an unsigned 128-bit integer. */
  public static BigInteger ofPartitionKey(String partitionKey) {
    MessageDigest md5 = MD5.get();
    md5.reset();
    return new BigInteger(1, md5.digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * An ExplicitHashKey as Kinesis accepts it: a decimal integer from 0 to 2^128 - 1; empty when
   * Kinesis would refuse it (the proxy then leaves the request to the server to refuse).
   */
  public static Optional<BigInteger> parseExplicit(String explicitHashKey) {
    if (explicitHashKey == null || !DECIMAL.matcher(explicitHashKey).matches()) {
      return Optional.empty();
    }
    BigInteger value = new BigInteger(explicitHashKey);
    return value.compareTo(MAX) <= 0 ? Optional.of(value) : Optional.empty();
  }
}
