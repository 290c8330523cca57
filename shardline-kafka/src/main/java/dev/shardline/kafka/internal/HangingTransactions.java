package dev.shardline.kafka.internal;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersOptions;
import org.apache.kafka.clients.admin.DescribeTransactionsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds <i>hanging</i> transactions: a transaction that a partition still holds open although its
 * transaction coordinator no longer has it in progress on that partition. Nothing ends such a
 * transaction on its own (the transaction timeout is the coordinator's, and the coordinator has
 * moved on), so every {@code read_committed} consumer of the partition stops at its first offset.
 *
 * <p>Kafka 4.3.1 brokers leave one behind when a transaction ends while a partition it wrote to has
 * no leader: the coordinator cannot find the partition's leader, takes the partition for deleted,
 * skips its COMMIT or ABORT marker and completes the transaction anyway ({@code
 * TransactionMarkerChannelManager}, at INFO: "Couldn't find leader endpoint for partitions ...
 * likely deleted already and hence can be skipped"). Every partition of a single-broker cluster is
 * without a leader while that broker shuts down and for a few seconds after it restarts from a
 * crash; in a larger cluster, a partition whose replicas are all down. {@code shardline-bench}'s
 * {@code KafkaMarkerLossRepro} reproduces it with a bare {@code KafkaProducer}.
 *
 * <p>The rule is that of Kafka's {@code kafka-transactions.sh find-hanging}: a partition's open
 * transaction is in progress when the coordinator's description of its producer's transactional id
 * (one consistent answer: state, producer id, epoch and partitions) has that producer id, an {@code
 * Ongoing}, {@code PrepareCommit} or {@code PrepareAbort} state and the partition among its
 * partitions. Every other open transaction is a candidate; the partitions are then described again
 * and a candidate counts only if the same producer still holds the same transaction open there, so
 * a transaction that merely ended between the calls is not reported.
 *
 * <p>What the coordinator decided for a hanging transaction ({@link Hanging#outcome()}) is known
 * only when its last transaction is provably the one open on the partition: the same producer id,
 * completed at the partition's epoch plus one (transaction version 2 bumps the epoch when a
 * transaction ends, and an abort by fencing bumps it too), or at the same epoch (version 1) with
 * the partition's last write no older than the coordinator's transaction. Otherwise (a later
 * transaction of the same id, an expired id, an epoch further on) it is {@link Outcome#UNKNOWN}.
 * Stateless; thread-safe.
 */
public final class HangingTransactions {

  /** What the coordinator decided for a hanging transaction, as far as can be told. */
  public enum Outcome {
    COMMITTED,
    ABORTED,
    UNKNOWN
  }

  /**
   * One partition's hanging transaction.
   *
   * @param startOffset its first offset: read_committed consumers stop there
   * @param coordinatorEpoch the coordinator epoch of the producer's last marker on the partition,
   *     if any (what {@code Admin.abortTransaction} needs)
   * @param transactionalId the transactional id the coordinator has for the producer id, or null
   * @param coordinatorState the coordinator's state of that id, or null
   * @param coordinatorProducerEpoch the coordinator's producer epoch of that id, or -1
   * @param outcome what the coordinator decided for this very transaction, if that can be told
   */
  public record Hanging(
      TopicPartition partition,
      long startOffset,
      long producerId,
      short producerEpoch,
      OptionalInt coordinatorEpoch,
      String transactionalId,
      TransactionState coordinatorState,
      short coordinatorProducerEpoch,
      Outcome outcome) {

    /** Whether its coordinator committed it (so its records belong in the output). */
    public boolean committed() {
      return outcome == Outcome.COMMITTED;
    }

    /**
     * The transaction version of its marker: 2 when the coordinator ended it at the next epoch, 1
     * at the same epoch. Meaningful for a known {@link #outcome()} only.
     */
    public short markerTransactionVersion() {
      return (short) (coordinatorProducerEpoch == producerEpoch + 1 ? 2 : 1);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "transaction %s (producer %d, epoch %d) open on %s from offset %d; coordinator: %s",
          transactionalId == null ? "with an unknown transactional id" : transactionalId,
          producerId,
          producerEpoch,
          partition,
          startOffset,
          coordinatorState == null
              ? "does not know the producer id"
              : coordinatorState + " at epoch " + coordinatorProducerEpoch);
    }
  }

  private HangingTransactions() {}

  /**
   * The hanging transactions of {@code partitions}, by partition. Each admin call may take up to
   * {@code timeoutMs}.
   *
   * @throws ExecutionException what an admin call failed with
   * @throws TimeoutException when an admin call takes longer than {@code timeoutMs}
   */
  public static List<Hanging> find(
      Admin admin, Collection<TopicPartition> partitions, int timeoutMs)
      throws ExecutionException, InterruptedException, TimeoutException {
    checkNotNull(admin, "admin");
    checkNotNull(partitions, "partitions");
    Map<TopicPartition, List<ProducerState>> open = openTransactions(admin, partitions, timeoutMs);
    if (open.isEmpty()) {
      return List.of();
    }
    Set<Long> producerIds = new TreeSet<>();
    open.values().forEach(list -> list.forEach(p -> producerIds.add(p.producerId())));
    ListTransactionsOptions listOptions =
        new ListTransactionsOptions().filterProducerIds(producerIds);
    listOptions.timeoutMs(timeoutMs);
    Map<Long, String> ids = new HashMap<>();
    for (TransactionListing listing :
        admin
            .listTransactions(listOptions)
            .all()
            .get(callTimeout(timeoutMs), TimeUnit.MILLISECONDS)) {
      ids.put(listing.producerId(), listing.transactionalId());
    }
    Map<String, TransactionDescription> descriptions = describe(admin, ids.values(), timeoutMs);

    Map<TopicPartition, List<Hanging>> candidates = new HashMap<>();
    open.forEach(
        (partition, producers) -> {
          for (ProducerState producer : producers) {
            String id = ids.get(producer.producerId());
            TransactionDescription d = id == null ? null : descriptions.get(id);
            if (d != null && d.producerId() != producer.producerId()) {
              id = null; // the id moved on to another producer id: not this transaction's
              d = null;
            }
            if (inProgress(d, partition)) {
              continue;
            }
            candidates
                .computeIfAbsent(partition, p -> new ArrayList<>())
                .add(
                    new Hanging(
                        partition,
                        producer.currentTransactionStartOffset().getAsLong(),
                        producer.producerId(),
                        (short) producer.producerEpoch(),
                        producer.coordinatorEpoch(),
                        id,
                        d == null ? null : d.state(),
                        d == null ? -1 : (short) d.producerEpoch(),
                        outcome(d, producer)));
          }
        });
    if (candidates.isEmpty()) {
      return List.of();
    }
    // again: only what the same producer still holds open at the same offset and epoch
    Map<TopicPartition, List<ProducerState>> still =
        openTransactions(admin, candidates.keySet(), timeoutMs);
    List<Hanging> hanging = new ArrayList<>();
    candidates.forEach(
        (partition, list) -> {
          for (Hanging h : list) {
            boolean stillOpen =
                still.getOrDefault(partition, List.of()).stream()
                    .anyMatch(
                        p ->
                            p.producerId() == h.producerId()
                                && p.producerEpoch() == h.producerEpoch()
                                && p.currentTransactionStartOffset().getAsLong()
                                    == h.startOffset());
            if (stillOpen) {
              hanging.add(h);
            }
          }
        });
    hanging.sort(
        Comparator.comparing((Hanging h) -> h.partition().topic())
            .thenComparingInt(h -> h.partition().partition())
            .thenComparingLong(Hanging::startOffset));
    return hanging;
  }

  /** Kafka's find-hanging rule: the coordinator has it in progress on this partition. */
  static boolean inProgress(TransactionDescription d, TopicPartition partition) {
    if (d == null) {
      return false;
    }
    TransactionState state = d.state();
    boolean active =
        state == TransactionState.ONGOING
            || state == TransactionState.PREPARE_COMMIT
            || state == TransactionState.PREPARE_ABORT;
    return active && d.topicPartitions().contains(partition);
  }

  /** What the coordinator decided for the transaction {@code producer} holds open, if known. */
  static Outcome outcome(TransactionDescription d, ProducerState producer) {
    if (d == null || d.producerId() != producer.producerId()) {
      return Outcome.UNKNOWN;
    }
    Outcome decided =
        switch (d.state()) {
          case COMPLETE_COMMIT -> Outcome.COMMITTED;
          case COMPLETE_ABORT -> Outcome.ABORTED;
          default -> Outcome.UNKNOWN;
        };
    if (decided == Outcome.UNKNOWN) {
      return decided;
    }
    if (d.producerEpoch() == producer.producerEpoch() + 1) {
      return decided; // ended (version 2, or fenced) at the next epoch: this very transaction
    }
    boolean sameTransaction =
        d.producerEpoch() == producer.producerEpoch()
            && d.transactionStartTimeMs().isPresent()
            && producer.lastTimestamp() >= d.transactionStartTimeMs().getAsLong();
    return sameTransaction ? decided : Outcome.UNKNOWN;
  }

  private static Map<TopicPartition, List<ProducerState>> openTransactions(
      Admin admin, Collection<TopicPartition> partitions, int timeoutMs)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, List<ProducerState>> open = new HashMap<>();
    if (partitions.isEmpty()) {
      return open;
    }
    admin
        .describeProducers(partitions, new DescribeProducersOptions().timeoutMs(timeoutMs))
        .all()
        .get(callTimeout(timeoutMs), TimeUnit.MILLISECONDS)
        .forEach(
            (partition, result) -> {
              for (ProducerState producer : result.activeProducers()) {
                if (producer.currentTransactionStartOffset().isPresent()) {
                  open.computeIfAbsent(partition, p -> new ArrayList<>()).add(producer);
                }
              }
            });
    return open;
  }

  /**
   * Each id's description; an id whose description fails (it expired meanwhile, say) is left out,
   * as an unknown one.
   */
  private static Map<String, TransactionDescription> describe(
      Admin admin, Collection<String> ids, int timeoutMs) throws InterruptedException {
    Map<String, TransactionDescription> descriptions = new HashMap<>();
    if (ids.isEmpty()) {
      return descriptions;
    }
    DescribeTransactionsOptions options = new DescribeTransactionsOptions();
    options.timeoutMs(timeoutMs);
    var result = admin.describeTransactions(ids, options);
    for (String id : ids) {
      try {
        descriptions.put(
            id, result.description(id).get(callTimeout(timeoutMs), TimeUnit.MILLISECONDS));
      } catch (ExecutionException | TimeoutException e) {
        // unknown: the caller treats the producer's transaction as not in progress
      }
    }
    return descriptions;
  }

  private static long callTimeout(int timeoutMs) {
    return timeoutMs + 5_000L;
  }
}
