package dev.shardline.kafka.source.enumerator;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/** A hand-written {@link KafkaMetadataClient}: partitions and offsets the test sets. */
final class FakeMetadataClient implements KafkaMetadataClient {
  final Set<TopicPartition> partitions = new HashSet<>();
  final Map<TopicPartition, Long> latest = new HashMap<>();
  final Map<TopicPartition, Long> byTimestamp = new HashMap<>();
  final Map<TopicPartition, Long> committed = new HashMap<>();
  Exception failure;
  int calls;
  long requestedTimestamp = -1;
  String requestedGroup;
  boolean closed;

  void addTopic(String topic, int partitionCount) {
    for (int p = 0; p < partitionCount; p++) {
      partitions.add(new TopicPartition(topic, p));
    }
  }

  @Override
  public synchronized Set<TopicPartition> partitions(TopicSelection selection, Duration timeout)
      throws Exception {
    calls++;
    if (failure != null) {
      throw failure;
    }
    Set<TopicPartition> selected = new HashSet<>();
    for (TopicPartition p : partitions) {
      if (selection.matches(p.topic())) {
        selected.add(p);
      }
    }
    return selected;
  }

  @Override
  public Map<TopicPartition, Long> latestOffsets(Collection<TopicPartition> ps, Duration timeout) {
    return pick(latest, ps);
  }

  @Override
  public Map<TopicPartition, Long> offsetsForTimestamp(
      Collection<TopicPartition> ps, long timestampMillis, Duration timeout) {
    requestedTimestamp = timestampMillis;
    return pick(byTimestamp, ps);
  }

  @Override
  public Map<TopicPartition, Long> committedOffsets(
      String groupId, Collection<TopicPartition> ps, Duration timeout) {
    requestedGroup = groupId;
    return pick(committed, ps);
  }

  private static Map<TopicPartition, Long> pick(
      Map<TopicPartition, Long> offsets, Collection<TopicPartition> ps) {
    Map<TopicPartition, Long> picked = new HashMap<>();
    for (TopicPartition p : ps) {
      if (offsets.containsKey(p)) {
        picked.put(p, offsets.get(p));
      }
    }
    return picked;
  }

  @Override
  public void close() {
    closed = true;
  }
}
