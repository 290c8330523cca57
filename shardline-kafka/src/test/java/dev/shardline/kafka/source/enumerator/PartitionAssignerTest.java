package dev.shardline.kafka.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionAssignerTest {

  private static Map<Integer, Integer> counts(String topic, int partitions, int readers) {
    Map<Integer, Integer> counts = new TreeMap<>();
    for (int p = 0; p < partitions; p++) {
      int owner = PartitionAssigner.ownerOf(new TopicPartition(topic, p), readers);
      assertThat(owner).isBetween(0, readers - 1);
      counts.merge(owner, 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void aTopicsPartitionsGoRoundRobinOverTheReaders() {
    assertThat(counts("orders", 6, 2).values()).containsExactly(3, 3);
    assertThat(counts("orders", 6, 4).values()).containsExactlyInAnyOrder(2, 2, 1, 1);
    assertThat(counts("orders", 6, 6).values()).containsOnly(1);
    assertThat(counts("orders", 6, 1)).containsExactly(Map.entry(0, 6));
  }

  @Test
  void consecutivePartitionsGoToConsecutiveReaders() {
    int first = PartitionAssigner.ownerOf(new TopicPartition("payments", 0), 5);
    for (int p = 1; p < 10; p++) {
      assertThat(PartitionAssigner.ownerOf(new TopicPartition("payments", p), 5))
          .isEqualTo((first + p) % 5);
    }
  }
}
