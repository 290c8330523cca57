package dev.shardline.kafka.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.kafka.Hex;
import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaEnumeratorStateSerializerTest {
  private static final KafkaEnumeratorStateSerializer SERIALIZER =
      KafkaEnumeratorStateSerializer.INSTANCE;
  // version 1: discovery done; assigned orders-0, orders-1; unassigned orders-2 at earliest
  private static final String V1 =
      "010000000200066f72646572730000000000066f7264657273000000010000000100066f726465727300000002"
          + "fffffffffffffffe";
  private static final KafkaEnumeratorState STATE =
      new KafkaEnumeratorState(
          Set.of(new TopicPartition("orders", 1), new TopicPartition("orders", 0)),
          List.of(new KafkaPartitionSplit("orders", 2, KafkaPartitionSplit.EARLIEST)),
          true);

  @Test
  void version1BytesAreRead() throws IOException {
    assertThat(SERIALIZER.deserialize(1, Hex.bytes(V1))).isEqualTo(STATE);
  }

  @Test
  void unknownVersionsAndMalformedBytesAreRefused() {
    assertThatThrownBy(() -> SERIALIZER.deserialize(9, Hex.bytes(V1)))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "Unknown Kafka enumerator state version 9; this Shardline reads versions 1 to 2");
    assertThatThrownBy(() -> SERIALIZER.deserialize(1, Hex.bytes("01ffffffff")))
        .hasMessage("Malformed Kafka enumerator state: negative count -1");
    assertThatThrownBy(() -> SERIALIZER.deserialize(1, Hex.bytes(V1 + "ab")))
        .hasMessage("Kafka enumerator state has 1 trailing bytes");
  }
}
