package dev.shardline.kinesis.source.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KinesisShardSplitSerializerTest {
  private static final KinesisShardSplitSerializer SERIALIZER =
      KinesisShardSplitSerializer.INSTANCE;
  private static final String MAX_HASH = "340282366920938463463374607431768211455";

  static final List<KinesisShardSplit> EXAMPLES =
      List.of(
          split("shardId-000000000000", List.of(), ShardPosition.latest(), false),
          split("shardId-000000000001", List.of(), ShardPosition.trimHorizon(), false),
          split(
              "shardId-000000000002",
              List.of("shardId-000000000000"),
              ShardPosition.atTimestamp(Instant.parse("2026-03-01T12:30:00.123456789Z")),
              false),
          split(
              "shardId-000000000003",
              List.of("shardId-000000000001", "shardId-000000000002"),
              ShardPosition.atSequenceNumber(
                  "49590338271490256608559692538361571095921575989136588898"),
              false),
          split(
              "shardId-000000000004",
              List.of(),
              ShardPosition.afterSequenceNumber(
                  "4959033827149025660855969253836157109592157598913658"),
              false),
          split(
              "shardId-000000000005",
              List.of("shardId-000000000004"),
              ShardPosition.afterRecord(
                  "49590338271490256608559692538361571095", 7, 1_767_225_600_123L),
              false),
          split(
              "shardId-000000000006",
              List.of(),
              ShardPosition.afterRecord("1", -1, 1_767_225_600_000L),
              true));

  @Test
  void everyKindOfPositionSurvivesARoundTrip() throws IOException {
    for (KinesisShardSplit split : EXAMPLES) {
      byte[] bytes = SERIALIZER.serialize(split);
      assertThat(SERIALIZER.deserialize(SERIALIZER.version(), bytes)).isEqualTo(split);
    }
  }

  @Test
  void version1BytesAreStillReadable() throws IOException {
    for (int i = 0; i < EXAMPLES.size(); i++) {
      KinesisShardSplit expected = EXAMPLES.get(i);
      byte[] golden =
          GoldenBytes.read("kinesis-shard-split-v1-" + i, SERIALIZER.serialize(expected));
      assertThat(SERIALIZER.deserialize(1, golden)).isEqualTo(expected);
    }
  }

  @Test
  void unknownVersionsAndBrokenBytesAreRefusedWithIoExceptions() throws IOException {
    byte[] bytes = SERIALIZER.serialize(EXAMPLES.get(5));
    assertThatThrownBy(() -> SERIALIZER.deserialize(2, bytes))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("version 2");
    assertThatThrownBy(() -> SERIALIZER.deserialize(1, Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Truncated");
    assertThatThrownBy(() -> SERIALIZER.deserialize(1, Arrays.copyOf(bytes, bytes.length + 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Trailing");
  }

  @Test
  void theSplitIdIsStreamSlashShardId() {
    assertThat(EXAMPLES.get(1).splitId()).isEqualTo("orders/shardId-000000000001");
  }

  static KinesisShardSplit split(
      String shardId, List<String> parents, ShardPosition position, boolean finished) {
    return new KinesisShardSplit("orders", shardId, parents, "0", MAX_HASH, position, finished);
  }
}
