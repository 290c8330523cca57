package dev.shardline.kafka.source.enumerator;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The checkpointed state of a Kafka source's enumerator: which partitions it handed to readers
 * (their offsets are in the readers' states), which it found but has not handed out yet (with their
 * starting offsets), and whether the first listing is done (partitions found after it start at the
 * earliest offset). Immutable.
 *
 * @param assigned partitions that belong to readers
 * @param unassigned partitions found but not yet handed to a reader
 * @param initialDiscoveryDone whether the first listing of partitions completed
 */
public record KafkaEnumeratorState(
    Set<TopicPartition> assigned,
    List<KafkaPartitionSplit> unassigned,
    boolean initialDiscoveryDone) {

  public KafkaEnumeratorState {
    assigned = Set.copyOf(checkNotNull(assigned, "assigned"));
    unassigned = List.copyOf(checkNotNull(unassigned, "unassigned"));
  }
}
