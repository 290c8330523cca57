package dev.shardline.kafka.source.enumerator;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * What the enumerator asks Kafka: which partitions exist and where to start them. The production
 * implementation ({@link AdminMetadataClient}) wraps Kafka's {@code Admin}; tests use a
 * hand-written fake. Implementations are thread-safe: the enumerator calls them from {@code
 * callAsync} threads.
 */
public interface KafkaMetadataClient extends AutoCloseable {

  /**
   * The partitions of the selected topics.
   *
   * @throws MissingTopicsException when topics named in the selection do not exist
   * @throws Exception Kafka's error otherwise, e.g. a timeout when no broker answers
   */
  Set<TopicPartition> partitions(TopicSelection selection, Duration timeout) throws Exception;

  /** The end offset (the offset the next record will get) of each partition. */
  Map<TopicPartition, Long> latestOffsets(Collection<TopicPartition> partitions, Duration timeout)
      throws Exception;

  /**
   * The offset of the first record with a timestamp at or after {@code timestampMillis}, for each
   * partition that has one; partitions without such a record are absent.
   */
  Map<TopicPartition, Long> offsetsForTimestamp(
      Collection<TopicPartition> partitions, long timestampMillis, Duration timeout)
      throws Exception;

  /** The offsets {@code groupId} committed; partitions without a committed offset are absent. */
  Map<TopicPartition, Long> committedOffsets(
      String groupId, Collection<TopicPartition> partitions, Duration timeout) throws Exception;

  @Override
  void close();
}
