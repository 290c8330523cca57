package dev.shardline.testkit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HashKeysTest {
  /** kinesis-local's two-shard stream: it splits the key space at 2^127 - 1. */
  private static final ShardMap TWO_SHARDS =
      ShardMap.of(
          List.of(
              new ShardMap.OpenShard(
                  "shardId-000000000001",
                  new BigInteger("170141183460469231731687303715884105727"),
                  HashKeys.MAX),
              new ShardMap.OpenShard(
                  "shardId-000000000000",
                  BigInteger.ZERO,
                  new BigInteger("170141183460469231731687303715884105726"))));

  @ParameterizedTest
  @CsvSource({
    // partition key, MD5 as an unsigned 128-bit integer (computed independently, with Python)
    "a, 16955237001963240173058271559858726497",
    "partition-1, 198019941650871988756153596255032211816",
    "k0, 54280909868488310885655169584342319285",
    "k3, 329208629938393774653976565299509319764",
  })
  void partitionKeyHashesToItsMd5AsAnUnsignedInteger(String partitionKey, String expected) {
    assertThat(HashKeys.ofPartitionKey(partitionKey)).isEqualTo(new BigInteger(expected));
  }

  @Test
  void md5WithTheTopBitSetIsNotNegative() {
    // MD5("") = d41d8cd9... has its top bit set
    assertThat(HashKeys.ofPartitionKey(""))
        .isEqualTo(new BigInteger("d41d8cd98f00b204e9800998ecf8427e", 16))
        .isPositive();
  }

  @ParameterizedTest
  @CsvSource({
    "a, shardId-000000000000",
    "k0, shardId-000000000000",
    "k2, shardId-000000000000",
    "k1, shardId-000000000001",
    "partition-1, shardId-000000000001",
    "orders-42, shardId-000000000001",
  })
  void partitionKeyGoesToTheOpenShardWhoseRangeHoldsItsHash(String partitionKey, String shard) {
    assertThat(TWO_SHARDS.shardFor(HashKeys.ofPartitionKey(partitionKey))).contains(shard);
  }

  @ParameterizedTest
  @CsvSource({
    "0, shardId-000000000000",
    "170141183460469231731687303715884105726, shardId-000000000000",
    "170141183460469231731687303715884105727, shardId-000000000001",
    "340282366920938463463374607431768211455, shardId-000000000001",
  })
  void explicitHashKeyGoesToItsShardAtTheRangeBoundaries(String explicit, String shard) {
    assertThat(HashKeys.parseExplicit(explicit).flatMap(TWO_SHARDS::shardFor)).contains(shard);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "-1", "01", "1.5", "abc", " 1", "340282366920938463463374607431768211456"})
  void explicitHashKeysKinesisRefusesAreNotParsed(String explicit) {
    assertThat(HashKeys.parseExplicit(explicit)).isEmpty();
  }

  @Test
  void aHashKeyInAGapOfAStaleMapHasNoShard() {
    ShardMap half =
        ShardMap.of(
            List.of(
                new ShardMap.OpenShard(
                    "shardId-000000000000", BigInteger.ZERO, BigInteger.valueOf(1000))));

    assertThat(half.shardFor(BigInteger.valueOf(1000))).contains("shardId-000000000000");
    assertThat(half.shardFor(BigInteger.valueOf(1001))).isEmpty();
    assertThat(ShardMap.of(List.of()).shardFor(BigInteger.ONE)).isEmpty();
  }
}
