package dev.shardline.kafka.source.enumerator;

import dev.shardline.kafka.internal.ClientProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * {@link KafkaMetadataClient} over Kafka's {@link Admin} client, created on first use. Thread-safe
 * (the admin client is).
 */
public final class AdminMetadataClient implements KafkaMetadataClient {
  private final Map<String, Object> adminProperties;
  private final String bootstrapServers;
  private final IsolationLevel isolationLevel;
  private Admin admin;
  private boolean closed;

  /**
   * @param properties the source's pass-through properties; only those an admin client knows are
   *     used
   * @param isolationLevel for end offsets: the last stable offset with read_committed
   */
  public AdminMetadataClient(
      Map<String, String> properties, String bootstrapServers, IsolationLevel isolationLevel) {
    this.adminProperties = ClientProperties.forAdmin(properties, bootstrapServers);
    this.bootstrapServers = bootstrapServers;
    this.isolationLevel = isolationLevel;
  }

  private synchronized Admin admin() {
    if (closed) {
      throw new IllegalStateException("The metadata client is closed");
    }
    if (admin == null) {
      admin = Admin.create(adminProperties);
    }
    return admin;
  }

  @Override
  public Set<TopicPartition> partitions(TopicSelection selection, Duration timeout)
      throws Exception {
    int timeoutMs = timeoutMillis(timeout);
    Collection<String> topics;
    if (selection.isPattern()) {
      Set<String> names =
          await(admin().listTopics(new ListTopicsOptions().timeoutMs(timeoutMs)).names(), timeout);
      topics = new TreeSet<>();
      for (String name : names) {
        if (selection.matches(name)) {
          topics.add(name);
        }
      }
      if (topics.isEmpty()) {
        return Set.of();
      }
    } else {
      topics = selection.topics();
    }
    Map<String, KafkaFuture<TopicDescription>> futures =
        admin()
            .describeTopics(topics, new DescribeTopicsOptions().timeoutMs(timeoutMs))
            .topicNameValues();
    Set<TopicPartition> partitions = new HashSet<>();
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, KafkaFuture<TopicDescription>> e : futures.entrySet()) {
      try {
        TopicDescription description = await(e.getValue(), timeout);
        description
            .partitions()
            .forEach(p -> partitions.add(new TopicPartition(e.getKey(), p.partition())));
      } catch (UnknownTopicOrPartitionException unknown) {
        // a topic of a pattern may be deleted between listing and describing it
        if (!selection.isPattern()) {
          missing.add(e.getKey());
        }
      }
    }
    if (!missing.isEmpty()) {
      missing.sort(null);
      throw new MissingTopicsException(missing, bootstrapServers);
    }
    return partitions;
  }

  @Override
  public Map<TopicPartition, Long> latestOffsets(
      Collection<TopicPartition> partitions, Duration timeout) throws Exception {
    return listOffsets(partitions, OffsetSpec.latest(), timeout);
  }

  @Override
  public Map<TopicPartition, Long> offsetsForTimestamp(
      Collection<TopicPartition> partitions, long timestampMillis, Duration timeout)
      throws Exception {
    return listOffsets(partitions, OffsetSpec.forTimestamp(timestampMillis), timeout);
  }

  private Map<TopicPartition, Long> listOffsets(
      Collection<TopicPartition> partitions, OffsetSpec spec, Duration timeout) throws Exception {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(p -> request.put(p, spec));
    ListOffsetsOptions options = new ListOffsetsOptions(isolationLevel);
    options.timeoutMs(timeoutMillis(timeout));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
        await(admin().listOffsets(request, options).all(), timeout);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    result.forEach(
        (partition, info) -> {
          if (info.offset() >= 0) {
            offsets.put(partition, info.offset());
          }
        });
    return offsets;
  }

  @Override
  public Map<TopicPartition, Long> committedOffsets(
      String groupId, Collection<TopicPartition> partitions, Duration timeout) throws Exception {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    ListConsumerGroupOffsetsOptions options = new ListConsumerGroupOffsetsOptions();
    options.timeoutMs(timeoutMillis(timeout));
    Map<TopicPartition, OffsetAndMetadata> committed =
        await(
            admin().listConsumerGroupOffsets(groupId, options).partitionsToOffsetAndMetadata(),
            timeout);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = committed.get(partition);
      if (offset != null && offset.offset() >= 0) {
        offsets.put(partition, offset.offset());
      }
    }
    return offsets;
  }

  private static int timeoutMillis(Duration timeout) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
  }

  /** The future's value; Kafka's own error rather than the ExecutionException around it. */
  private static <T> T await(KafkaFuture<T> future, Duration timeout) throws Exception {
    try {
      // the request carries the timeout; the extra second only guards against a lost answer
      return future.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (admin != null) {
      // nothing pending matters once the enumerator closes (listings only): fail them at once
      // rather than wait for a cluster that may not answer (a stop waited 5 s for it)
      admin.close(Duration.ZERO);
      admin = null;
    }
  }
}
