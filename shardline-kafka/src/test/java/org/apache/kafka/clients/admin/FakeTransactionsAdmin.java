package org.apache.kafka.clients.admin;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.internals.CoordinatorKey;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.KafkaFutureImpl;

/**
 * An {@link Admin} that answers the three transaction calls {@code HangingTransactions} makes from
 * fixed state; a fake for unit tests of what a broker cannot be made to produce on demand (a
 * hanging transaction comes from a broker fault that needs a crash at the right millisecond). It
 * lives in Kafka's package because the result types' constructors are package-private. Other calls
 * go to a real admin client of an address nothing listens on.
 */
public final class FakeTransactionsAdmin extends ForwardingAdmin {
  private final Map<TopicPartition, List<ProducerState>> producers;
  private final List<TransactionListing> listings;
  private final Map<String, TransactionDescription> descriptions;

  public FakeTransactionsAdmin(
      Map<TopicPartition, List<ProducerState>> producers,
      List<TransactionListing> listings,
      Map<String, TransactionDescription> descriptions) {
    super(Map.of("bootstrap.servers", "127.0.0.1:1"));
    this.producers = producers;
    this.listings = listings;
    this.descriptions = descriptions;
  }

  @Override
  public DescribeProducersResult describeProducers(
      Collection<TopicPartition> partitions, DescribeProducersOptions options) {
    Map<TopicPartition, KafkaFuture<DescribeProducersResult.PartitionProducerState>> results =
        new HashMap<>();
    for (TopicPartition partition : partitions) {
      results.put(
          partition,
          KafkaFuture.completedFuture(
              new DescribeProducersResult.PartitionProducerState(
                  producers.getOrDefault(partition, List.of()))));
    }
    return new DescribeProducersResult(results);
  }

  /** Every topic that has producers here, with those partitions. */
  @Override
  public DescribeTopicsResult describeTopics(
      org.apache.kafka.common.TopicCollection topics, DescribeTopicsOptions options) {
    Map<String, KafkaFuture<TopicDescription>> results = new HashMap<>();
    for (String topic :
        ((org.apache.kafka.common.TopicCollection.TopicNameCollection) topics).topicNames()) {
      List<org.apache.kafka.common.TopicPartitionInfo> partitions =
          producers.keySet().stream()
              .filter(p -> p.topic().equals(topic))
              .map(
                  p ->
                      new org.apache.kafka.common.TopicPartitionInfo(
                          p.partition(), null, List.of(), List.of()))
              .toList();
      KafkaFutureImpl<TopicDescription> future = new KafkaFutureImpl<>();
      if (partitions.isEmpty()) {
        future.completeExceptionally(
            new org.apache.kafka.common.errors.UnknownTopicOrPartitionException(topic));
      } else {
        future.complete(new TopicDescription(topic, false, partitions));
      }
      results.put(topic, future);
    }
    return DescribeTopicsResult.ofTopicNames(results);
  }

  @Override
  public ListTransactionsResult listTransactions(ListTransactionsOptions options) {
    KafkaFutureImpl<Collection<TransactionListing>> listed = new KafkaFutureImpl<>();
    listed.complete(
        listings.stream()
            .filter(
                l ->
                    options.filteredProducerIds().isEmpty()
                        || options.filteredProducerIds().contains(l.producerId()))
            .toList());
    return new ListTransactionsResult(KafkaFuture.completedFuture(Map.of(1, listed)));
  }

  @Override
  public DescribeTransactionsResult describeTransactions(
      Collection<String> transactionalIds, DescribeTransactionsOptions options) {
    Map<CoordinatorKey, KafkaFuture<TransactionDescription>> results = new HashMap<>();
    for (String id : transactionalIds) {
      results.put(
          CoordinatorKey.byTransactionalId(id), KafkaFuture.completedFuture(descriptions.get(id)));
    }
    return new DescribeTransactionsResult(results);
  }
}
