package dev.shardline.kinesis.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.kinesis.source.enumerator.KinesisEnumeratorState.StreamState;
import dev.shardline.kinesis.source.enumerator.KinesisEnumeratorState.TrackedShard;
import dev.shardline.kinesis.source.split.GoldenBytes;
import dev.shardline.kinesis.source.split.KinesisShardSplit;
import dev.shardline.kinesis.source.split.ShardPosition;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KinesisEnumeratorStateSerializerTest {
  private static final KinesisEnumeratorStateSerializer SERIALIZER =
      KinesisEnumeratorStateSerializer.INSTANCE;

  static final KinesisEnumeratorState EXAMPLE =
      new KinesisEnumeratorState(
          List.of(
              new StreamState("orders", null, List.of()),
              new StreamState(
                  "audit",
                  "shardId-000000000004",
                  List.of(
                      new TrackedShard(
                          new KinesisShardSplit(
                              "audit",
                              "shardId-000000000003",
                              List.of("shardId-000000000000", "shardId-000000000001"),
                              "0",
                              "170141183460469231731687303715884105727",
                              ShardPosition.trimHorizon(),
                              false),
                          -1),
                      new TrackedShard(
                          new KinesisShardSplit(
                              "audit",
                              "shardId-000000000004",
                              List.of(),
                              "170141183460469231731687303715884105728",
                              "340282366920938463463374607431768211455",
                              ShardPosition.afterRecord("123456", 2, 1_767_225_600_000L),
                              false),
                          2)))));

  @Test
  void theStateSurvivesARoundTrip() throws IOException {
    assertThat(SERIALIZER.deserialize(SERIALIZER.version(), SERIALIZER.serialize(EXAMPLE)))
        .isEqualTo(EXAMPLE);
  }

  @Test
  void version1BytesAreStillReadable() throws IOException {
    byte[] golden = GoldenBytes.read("kinesis-enumerator-state-v1", SERIALIZER.serialize(EXAMPLE));
    assertThat(SERIALIZER.deserialize(1, golden)).isEqualTo(EXAMPLE);
  }

  @Test
  void unknownVersionsAndBrokenBytesAreRefused() throws IOException {
    byte[] bytes = SERIALIZER.serialize(EXAMPLE);
    assertThatThrownBy(() -> SERIALIZER.deserialize(7, bytes))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("version 7");
    assertThatThrownBy(() -> SERIALIZER.deserialize(1, Arrays.copyOf(bytes, 20)))
        .isInstanceOf(IOException.class);
  }
}
