package dev.shardline.kinesis.aggregation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HashKeyTest {

  @Test
  void aPartitionKeysHashIsItsMd5AsAnUnsignedBigEndianInteger() throws Exception {
    MessageDigest md5 = HashKey.newMd5();
    Random random = new Random(7);
    for (int i = 0; i < 1_000; i++) {
      String key = "key-" + random.nextLong() + "-é";
      BigInteger expected =
          new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getBytes(UTF_8)));

      HashKey hash = HashKey.ofPartitionKey(key.getBytes(UTF_8), md5);

      assertThat(hash.toDecimal()).isEqualTo(expected.toString());
      assertThat(HashKey.parse(expected.toString())).isEqualTo(hash);
    }
  }

  @Test
  void hashKeysCompareAsUnsigned128BitIntegers() {
    HashKey below = HashKey.parse("9223372036854775807"); // 2^63 - 1
    HashKey above = HashKey.parse("9223372036854775808"); // 2^63: a negative low long
    HashKey high = HashKey.parse(BigInteger.ONE.shiftLeft(127).toString());

    assertThat(below).isLessThan(above);
    assertThat(above).isLessThan(high);
    assertThat(high).isLessThan(HashKey.MAX);
    assertThat(HashKey.MAX.toDecimal())
        .isEqualTo(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).toString());
  }

  @Test
  void parseRefusesWhatIsNotAHashKey() {
    assertThatThrownBy(() -> HashKey.parse("-1")).hasMessageContaining("from 0 to 2^128 - 1");
    assertThatThrownBy(() -> HashKey.parse(BigInteger.ONE.shiftLeft(128).toString()))
        .hasMessageContaining("from 0 to 2^128 - 1");
    assertThatThrownBy(() -> HashKey.parse("12a")).hasMessageContaining("not a hash key");
  }
}
