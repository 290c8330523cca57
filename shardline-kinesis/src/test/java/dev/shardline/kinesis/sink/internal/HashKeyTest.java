package dev.shardline.kinesis.sink.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

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

  @Test
  void theShardMapFindsTheShardHoldingAHashKeyIncludingBothEnds() {
    ShardMap map =
        ShardMap.fromListedShards(
            List.of(
                shard("shardId-0", "0", "99", null, null),
                shard("shardId-1", "100", "199", null, null),
                shard("shardId-2", "200", HashKey.MAX.toDecimal(), null, null)));

    assertThat(map.shard(map.indexOf(HashKey.parse("0"))).shardId()).isEqualTo("shardId-0");
    assertThat(map.shard(map.indexOf(HashKey.parse("99"))).shardId()).isEqualTo("shardId-0");
    assertThat(map.shard(map.indexOf(HashKey.parse("100"))).shardId()).isEqualTo("shardId-1");
    assertThat(map.shard(map.indexOf(HashKey.parse("199"))).shardId()).isEqualTo("shardId-1");
    assertThat(map.shard(map.indexOf(HashKey.MAX)).shardId()).isEqualTo("shardId-2");
  }

  @Test
  void theShardMapKeepsOnlyOpenShards() {
    // a split parent: closed by its ending sequence number (AWS, kinesalite) and by being a parent
    // (kinesis-local also gives Long.MAX_VALUE)
    ShardMap map =
        ShardMap.fromListedShards(
            List.of(
                shard("shardId-0", "0", HashKey.MAX.toDecimal(), "9223372036854775807", null),
                shard("shardId-1", "0", "99", null, "shardId-0"),
                shard("shardId-2", "100", HashKey.MAX.toDecimal(), null, "shardId-0")));

    assertThat(map.shards())
        .extracting(ShardRange::shardId)
        .containsExactly("shardId-1", "shardId-2");
  }

  private static Shard shard(String id, String start, String end, String ending, String parent) {
    return Shard.builder()
        .shardId(id)
        .parentShardId(parent)
        .hashKeyRange(HashKeyRange.builder().startingHashKey(start).endingHashKey(end).build())
        .sequenceNumberRange(
            SequenceNumberRange.builder()
                .startingSequenceNumber("1")
                .endingSequenceNumber(ending)
                .build())
        .build();
  }
}
