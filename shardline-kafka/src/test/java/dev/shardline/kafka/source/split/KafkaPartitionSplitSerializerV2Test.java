package dev.shardline.kafka.source.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.kafka.Hex;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Version 2 of the split format: splits of bounded sources carry their stopping offset. */
class KafkaPartitionSplitSerializerV2Test {
  private static final KafkaPartitionSplitSerializer SERIALIZER =
      KafkaPartitionSplitSerializer.INSTANCE;
  // version 2: UTF "orders", int 3, long 42, long 100 (stopping offset)
  private static final String V2_BOUNDED =
      "00066f726465727300000003000000000000002a0000000000000064";
  // version 2 of an unbounded split: the stopping offset is Long.MIN_VALUE
  private static final String V2_UNBOUNDED =
      "00066f726465727300000003000000000000002a8000000000000000";
  // version 1: UTF "orders", int 3, long 42
  private static final String V1 = "00066f726465727300000003000000000000002a";

  @Test
  void theCurrentVersionIs2AndWritesTheStoppingOffset() throws IOException {
    assertThat(SERIALIZER.version()).isEqualTo(2);
    assertThat(Hex.of(SERIALIZER.serialize(new KafkaPartitionSplit("orders", 3, 42, 100))))
        .isEqualTo(V2_BOUNDED);
    assertThat(Hex.of(SERIALIZER.serialize(new KafkaPartitionSplit("orders", 3, 42))))
        .isEqualTo(V2_UNBOUNDED);
  }

  @Test
  void version2BytesAreRead() throws IOException {
    KafkaPartitionSplit bounded = SERIALIZER.deserialize(2, Hex.bytes(V2_BOUNDED));
    assertThat(bounded).isEqualTo(new KafkaPartitionSplit("orders", 3, 42, 100));
    assertThat(bounded.hasStoppingOffset()).isTrue();
    assertThat(bounded.isFinished()).isFalse();
    KafkaPartitionSplit unbounded = SERIALIZER.deserialize(2, Hex.bytes(V2_UNBOUNDED));
    assertThat(unbounded.hasStoppingOffset()).isFalse();
    assertThat(unbounded.isFinished()).isFalse();
  }

  @Test
  void version1SplitsHaveNoStoppingOffset() throws IOException {
    KafkaPartitionSplit split = SERIALIZER.deserialize(1, Hex.bytes(V1));
    assertThat(split).isEqualTo(new KafkaPartitionSplit("orders", 3, 42));
    assertThat(split.stoppingOffset()).isEqualTo(KafkaPartitionSplit.NO_STOPPING_OFFSET);
  }

  @Test
  void aVersion1LayoutIsNotAVersion2Split() {
    assertThatThrownBy(() -> SERIALIZER.deserialize(2, Hex.bytes(V1)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> SERIALIZER.deserialize(1, Hex.bytes(V2_BOUNDED)))
        .hasMessage("Kafka partition split has 8 trailing bytes");
    assertThatThrownBy(
            () ->
                SERIALIZER.deserialize(
                    2, Hex.bytes("00066f726465727300000003000000000000002affffffffffffffff")))
        .hasMessageStartingWith(
            "Malformed Kafka partition split: stoppingOffset must be 0 or more");
  }

  @Test
  void aSplitIsFinishedWhenItsNextOffsetReachedItsStoppingOffset() {
    assertThat(new KafkaPartitionSplit("orders", 0, 100, 100).isFinished()).isTrue();
    assertThat(new KafkaPartitionSplit("orders", 0, 120, 100).isFinished()).isTrue();
    assertThat(new KafkaPartitionSplit("orders", 0, 99, 100).isFinished()).isFalse();
    // an empty partition started at earliest: nothing to read below offset 0
    assertThat(new KafkaPartitionSplit("orders", 0, KafkaPartitionSplit.EARLIEST, 0).isFinished())
        .isTrue();
    assertThat(new KafkaPartitionSplit("orders", 0, KafkaPartitionSplit.EARLIEST, 5).isFinished())
        .isFalse();
    assertThat(new KafkaPartitionSplit("orders", 0, 42, 100)).hasToString("orders-0@42...100");
    assertThat(new KafkaPartitionSplit("orders", 0, 42, 100).withNextOffset(50))
        .isEqualTo(new KafkaPartitionSplit("orders", 0, 50, 100));
    assertThat(new KafkaPartitionSplit("orders", 0, 42, 100).withoutStoppingOffset())
        .isEqualTo(new KafkaPartitionSplit("orders", 0, 42));
  }
}
