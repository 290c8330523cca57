package dev.shardline.kafka.internal;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.Collection;
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
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds <i>hanging</i> transactions: a transaction that a partition still holds open although its
 * transaction coordinator no longer has it in progress. Nothing ends such a transaction on its own
 * (the transaction timeout is the coordinator's, and the coordinator has moved on), so every {@code
 * read_committed} consumer of the partition stops at its first offset for good.
 *
 * <p>Kafka 4.3.1 brokers leave one behind when a transaction ends while a partition it wrote to has
 * no leader: the coordinator cannot find the partition's leader, takes the partition for deleted,
 * skips its COMMIT or ABORT marker and completes the transaction anyway ({@code
 * TransactionMarkerChannelManager}: "Couldn't find leader endpoint for partitions ... likely
 * deleted already and hence can be skipped"). Every partition of a single-broker cluster is without
 * a leader while that broker shuts down and for a few seconds after it restarts from a crash; in a
 * larger cluster, a partition whose replicas are all down. {@code shardline-bench}'s {@code
 * KafkaMarkerLossRepro} reproduces it with a bare {@code KafkaProducer}.
 *
 * <p>A transaction counts as in progress when the coordinator lists its producer id as {@code
 * Ongoing} at the partition's producer epoch, or as {@code PrepareCommit}/{@code PrepareAbort} (its
 * markers being written) at that epoch or the next (transaction version 2 bumps the epoch when it
 * ends). Anything else (completed, empty, another epoch, or a producer id the coordinator does not
 * know) is hanging. Stateless; thread-safe.
 */
public final class HangingTransactions {

  /**
   * One partition's hanging transaction.
   *
   * @param startOffset its first offset: read_committed consumers stop there
   * @param coordinatorEpoch the coordinator epoch of the producer's last marker on the partition,
   *     if any (what {@code Admin.abortTransaction} needs)
   * @param transactionalId the transactional id the coordinator has for the producer id, or null
   * @param coordinatorState the coordinator's state of that id, or null
   * @param coordinatorProducerEpoch the coordinator's producer epoch of that id, or -1
   */
  public record Hanging(
      TopicPartition partition,
      long startOffset,
      long producerId,
      short producerEpoch,
      OptionalInt coordinatorEpoch,
      String transactionalId,
      TransactionState coordinatorState,
      short coordinatorProducerEpoch) {

    /** Whether its coordinator committed it (so its records belong in the output). */
    public boolean committed() {
      return coordinatorState == TransactionState.COMPLETE_COMMIT;
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
   * The hanging transactions of {@code partitions}, in partition order.
   *
   * @throws ExecutionException what the admin calls failed with
   * @throws TimeoutException when an admin call takes longer than {@code timeoutMs}
   */
  public static List<Hanging> find(
      Admin admin, Collection<TopicPartition> partitions, int timeoutMs)
      throws ExecutionException, InterruptedException, TimeoutException {
    checkNotNull(admin, "admin");
    checkNotNull(partitions, "partitions");
    if (partitions.isEmpty()) {
      return List.of();
    }
    Map<TopicPartition, List<ProducerState>> open = new HashMap<>();
    Set<Long> producerIds = new TreeSet<>();
    var described =
        admin
            .describeProducers(partitions, new DescribeProducersOptions().timeoutMs(timeoutMs))
            .all()
            .get(timeoutMs + 5_000L, TimeUnit.MILLISECONDS);
    described.forEach(
        (partition, result) -> {
          for (ProducerState producer : result.activeProducers()) {
            if (producer.currentTransactionStartOffset().isPresent()) {
              open.computeIfAbsent(partition, p -> new ArrayList<>()).add(producer);
              producerIds.add(producer.producerId());
            }
          }
        });
    if (open.isEmpty()) {
      return List.of();
    }
    Map<Long, TransactionListing> listings = new HashMap<>();
    ListTransactionsOptions options = new ListTransactionsOptions().filterProducerIds(producerIds);
    options.timeoutMs(timeoutMs);
    for (TransactionListing listing :
        admin.listTransactions(options).all().get(timeoutMs + 5_000L, TimeUnit.MILLISECONDS)) {
      listings.put(listing.producerId(), listing);
    }
    Map<String, Short> epochs = coordinatorEpochs(admin, listings.values(), timeoutMs);
    List<Hanging> hanging = new ArrayList<>();
    open.entrySet().stream()
        .sorted(
            (a, b) ->
                a.getKey().topic().equals(b.getKey().topic())
                    ? Integer.compare(a.getKey().partition(), b.getKey().partition())
                    : a.getKey().topic().compareTo(b.getKey().topic()))
        .forEach(
            entry -> {
              for (ProducerState producer : entry.getValue()) {
                TransactionListing listing = listings.get(producer.producerId());
                String id = listing == null ? null : listing.transactionalId();
                TransactionState state = listing == null ? null : listing.state();
                short epoch = id == null ? -1 : epochs.getOrDefault(id, (short) -1);
                if (!inProgress(state, epoch, (short) producer.producerEpoch())) {
                  hanging.add(
                      new Hanging(
                          entry.getKey(),
                          producer.currentTransactionStartOffset().getAsLong(),
                          producer.producerId(),
                          (short) producer.producerEpoch(),
                          producer.coordinatorEpoch(),
                          id,
                          state,
                          epoch));
                }
              }
            });
    return hanging;
  }

  static boolean inProgress(TransactionState state, short coordinatorEpoch, short partitionEpoch) {
    if (state == TransactionState.ONGOING) {
      return coordinatorEpoch == partitionEpoch;
    }
    if (state == TransactionState.PREPARE_COMMIT || state == TransactionState.PREPARE_ABORT) {
      return coordinatorEpoch == partitionEpoch || coordinatorEpoch == partitionEpoch + 1;
    }
    return false;
  }

  private static Map<String, Short> coordinatorEpochs(
      Admin admin, Collection<TransactionListing> listings, int timeoutMs)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<String, Short> epochs = new HashMap<>();
    if (listings.isEmpty()) {
      return epochs;
    }
    List<String> ids = listings.stream().map(TransactionListing::transactionalId).toList();
    admin
        .describeTransactions(ids)
        .all()
        .get(timeoutMs + 5_000L, TimeUnit.MILLISECONDS)
        .forEach((id, description) -> epochs.put(id, (short) description.producerEpoch()));
    return epochs;
  }
}
