package dev.shardline.kafka.source.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.kafka.Hex;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class KafkaPartitionSplitSerializerTest {
  private static final KafkaPartitionSplitSerializer SERIALIZER =
      KafkaPartitionSplitSerializer.INSTANCE;
  // version 1: UTF "orders", int 3, long 42
  private static final String V1 = "00066f726465727300000003000000000000002a";
  // version 1 of a split that starts at the earliest offset (-2)
  private static final String V1_EARLIEST = "00066f726465727300000000fffffffffffffffe";

  @Test
  void version1BytesAreRead() throws IOException {
    assertThat(SERIALIZER.deserialize(1, Hex.bytes(V1)))
        .isEqualTo(new KafkaPartitionSplit("orders", 3, 42));
    KafkaPartitionSplit earliest = SERIALIZER.deserialize(1, Hex.bytes(V1_EARLIEST));
    assertThat(earliest.nextOffset()).isEqualTo(KafkaPartitionSplit.EARLIEST);
    assertThat(earliest.hasOffset()).isFalse();
  }

  @Test
  void unknownVersionsAndMalformedBytesAreRefused() {
    assertThatThrownBy(() -> SERIALIZER.deserialize(3, Hex.bytes(V1)))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "Unknown Kafka partition split version 3; this Shardline reads versions 1 to 2");
    assertThatThrownBy(() -> SERIALIZER.deserialize(1, Hex.bytes(V1 + "00")))
        .hasMessage("Kafka partition split has 1 trailing bytes");
    assertThatThrownBy(
            () -> SERIALIZER.deserialize(1, Hex.bytes("00066f726465727300000003ffffffffffffff00")))
        .hasMessageStartingWith("Malformed Kafka partition split: nextOffset must be 0 or more");
  }

  @Test
  void theSplitIdIsKafkasPartitionName() {
    assertThat(new KafkaPartitionSplit("orders", 3, 42).splitId()).isEqualTo("orders-3");
    assertThat(new KafkaPartitionSplit("orders", 3, KafkaPartitionSplit.EARLIEST))
        .hasToString("orders-3@earliest");
  }
}
