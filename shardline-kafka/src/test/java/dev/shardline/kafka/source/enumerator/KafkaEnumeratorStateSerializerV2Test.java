package dev.shardline.kafka.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kafka.Hex;
import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Version 2 of the enumerator state: its unassigned splits carry their stopping offsets. */
class KafkaEnumeratorStateSerializerV2Test {
  private static final KafkaEnumeratorStateSerializer SERIALIZER =
      KafkaEnumeratorStateSerializer.INSTANCE;
  // version 2: discovery done; assigned orders-0, orders-1; unassigned orders-2 from earliest
  // up to offset 7
  private static final String V2 =
      "010000000200066f72646572730000000000066f7264657273000000010000000100066f726465727300000002"
          + "fffffffffffffffe0000000000000007";
  // version 1 (before stopping offsets): the same partitions, orders-2 unbounded
  private static final String V1 =
      "010000000200066f72646572730000000000066f7264657273000000010000000100066f726465727300000002"
          + "fffffffffffffffe";
  private static final Set<TopicPartition> ASSIGNED =
      Set.of(new TopicPartition("orders", 1), new TopicPartition("orders", 0));
  private static final KafkaEnumeratorState BOUNDED =
      new KafkaEnumeratorState(
          ASSIGNED,
          List.of(new KafkaPartitionSplit("orders", 2, KafkaPartitionSplit.EARLIEST, 7)),
          true);

  @Test
  void theCurrentVersionIs2WithStoppingOffsetsAndPartitionsSorted() throws IOException {
    assertThat(SERIALIZER.version()).isEqualTo(2);
    assertThat(Hex.of(SERIALIZER.serialize(BOUNDED))).isEqualTo(V2);
  }

  @Test
  void version2BytesAreRead() throws IOException {
    assertThat(SERIALIZER.deserialize(2, Hex.bytes(V2))).isEqualTo(BOUNDED);
  }

  @Test
  void version1BytesAreReadWithUnboundedSplits() throws IOException {
    KafkaEnumeratorState state = SERIALIZER.deserialize(1, Hex.bytes(V1));
    assertThat(state.assigned()).isEqualTo(ASSIGNED);
    assertThat(state.unassigned())
        .containsExactly(new KafkaPartitionSplit("orders", 2, KafkaPartitionSplit.EARLIEST));
    assertThat(state.unassigned().get(0).hasStoppingOffset()).isFalse();
  }
}
