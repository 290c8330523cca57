package dev.shardline.kinesis.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kinesis.aggregation.HashKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

class ShardMapTest {

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
