package dev.shardline.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.shardline.kafka.internal.HangingTransactions.Hanging;
import dev.shardline.kafka.internal.HangingTransactions.Outcome;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.FakeTransactionsAdmin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class HangingTransactionsTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);

  @Test
  void aTransactionIsInProgressWhereItsCoordinatorHasItActiveOnThatPartition() {
    for (TransactionState active :
        List.of(
            TransactionState.ONGOING,
            TransactionState.PREPARE_COMMIT,
            TransactionState.PREPARE_ABORT)) {
      assertThat(HangingTransactions.inProgress(description(active, 17, 1, Set.of(P0)), P0))
          .isTrue();
      // active, but not on this partition: this partition's transaction was an earlier one
      assertThat(HangingTransactions.inProgress(description(active, 17, 1, Set.of(P1)), P0))
          .isFalse();
    }
    assertThat(
            HangingTransactions.inProgress(
                description(TransactionState.COMPLETE_COMMIT, 17, 1, Set.of()), P0))
        .isFalse();
    assertThat(HangingTransactions.inProgress(null, P0)).isFalse();
  }

  @Test
  void theOutcomeIsKnownOnlyWhenTheCoordinatorsLastTransactionIsTheOneOpenOnThePartition() {
    ProducerState openAt0 = open(17, 0, 1283, 5_000);
    // version 2: ended at the next epoch
    assertThat(
            HangingTransactions.outcome(
                description(TransactionState.COMPLETE_COMMIT, 17, 1, Set.of()), openAt0))
        .isEqualTo(Outcome.COMMITTED);
    assertThat(
            HangingTransactions.outcome(
                description(TransactionState.COMPLETE_ABORT, 17, 1, Set.of()), openAt0))
        .isEqualTo(Outcome.ABORTED);
    // further on: the id was initialised again and a later transaction of it completed
    assertThat(
            HangingTransactions.outcome(
                description(TransactionState.COMPLETE_COMMIT, 17, 3, Set.of()), openAt0))
        .isEqualTo(Outcome.UNKNOWN);
    // version 1: the same epoch, and the partition's last write no older than the transaction
    assertThat(
            HangingTransactions.outcome(
                description(TransactionState.COMPLETE_COMMIT, 17, 0, Set.of(), 4_000), openAt0))
        .isEqualTo(Outcome.COMMITTED);
    assertThat(
            HangingTransactions.outcome(
                description(TransactionState.COMPLETE_COMMIT, 17, 0, Set.of(), 6_000), openAt0))
        .isEqualTo(Outcome.UNKNOWN);
    // not ended, another producer id, or nothing known
    assertThat(
            HangingTransactions.outcome(
                description(TransactionState.EMPTY, 17, 1, Set.of()), openAt0))
        .isEqualTo(Outcome.UNKNOWN);
    assertThat(
            HangingTransactions.outcome(
                description(TransactionState.COMPLETE_COMMIT, 99, 1, Set.of()), openAt0))
        .isEqualTo(Outcome.UNKNOWN);
    assertThat(HangingTransactions.outcome(null, openAt0)).isEqualTo(Outcome.UNKNOWN);
  }

  @Test
  void findReportsOnlyTheOpenTransactionsTheirCoordinatorNoLongerHasInProgress() throws Exception {
    // producer 17: committed at the coordinator (version 2 bumped it to epoch 1), open on both
    // producer 18: in progress on p0; producer 19: idempotent, no open transaction
    // producer 20: open on p1, and the coordinator does not know it
    try (FakeTransactionsAdmin admin =
        new FakeTransactionsAdmin(
            Map.of(
                P0,
                List.of(
                    open(17, 0, 1283, 0),
                    open(18, 3, 1290, 0),
                    new ProducerState(19, 0, 4, 0, OptionalInt.empty(), OptionalLong.empty())),
                P1,
                List.of(withMarker(open(20, 2, 7, 0), 4), open(17, 0, 1570, 0))),
            List.of(
                new TransactionListing("sink-2-17", 17, TransactionState.COMPLETE_COMMIT),
                new TransactionListing("sink-0-18", 18, TransactionState.ONGOING)),
            Map.of(
                "sink-2-17", description(TransactionState.COMPLETE_COMMIT, 17, 1, Set.of()),
                "sink-0-18", description(TransactionState.ONGOING, 18, 3, Set.of(P0))))) {

      List<Hanging> hanging = HangingTransactions.find(admin, List.of(P1, P0), 5_000);

      assertThat(hanging)
          .extracting(
              Hanging::partition,
              Hanging::producerId,
              Hanging::startOffset,
              Hanging::transactionalId,
              Hanging::outcome)
          .containsExactly(
              tuple(P0, 17L, 1283L, "sink-2-17", Outcome.COMMITTED),
              tuple(P1, 20L, 7L, null, Outcome.UNKNOWN),
              tuple(P1, 17L, 1570L, "sink-2-17", Outcome.COMMITTED));
      assertThat(hanging.get(0).coordinatorProducerEpoch()).isEqualTo((short) 1);
      assertThat(hanging.get(0).markerTransactionVersion()).isEqualTo((short) 2);
      assertThat(hanging.get(1).coordinatorEpoch()).hasValue(4);
      assertThat(hanging.get(0).toString())
          .isEqualTo(
              "transaction sink-2-17 (producer 17, epoch 0) open on t-0 from offset 1283;"
                  + " coordinator: CompleteCommit at epoch 1");
    }
  }

  @Test
  void findAsksNothingMoreWhenNoPartitionHoldsATransactionOpen() throws Exception {
    try (FakeTransactionsAdmin admin = new FakeTransactionsAdmin(Map.of(), List.of(), Map.of())) {
      assertThat(HangingTransactions.find(admin, List.of(P0), 5_000)).isEmpty();
      assertThat(HangingTransactions.find(admin, List.of(), 5_000)).isEmpty();
    }
  }

  private static ProducerState open(
      long producerId, int epoch, long startOffset, long lastTimestamp) {
    return new ProducerState(
        producerId, epoch, 10, lastTimestamp, OptionalInt.empty(), OptionalLong.of(startOffset));
  }

  private static ProducerState withMarker(ProducerState p, int coordinatorEpoch) {
    return new ProducerState(
        p.producerId(),
        p.producerEpoch(),
        p.lastSequence(),
        p.lastTimestamp(),
        OptionalInt.of(coordinatorEpoch),
        p.currentTransactionStartOffset());
  }

  private static TransactionDescription description(
      TransactionState state, long producerId, int epoch, Set<TopicPartition> partitions) {
    return new TransactionDescription(
        1, state, producerId, epoch, 900_000, OptionalLong.empty(), partitions);
  }

  private static TransactionDescription description(
      TransactionState state,
      long producerId,
      int epoch,
      Set<TopicPartition> partitions,
      long startTimeMs) {
    return new TransactionDescription(
        1, state, producerId, epoch, 900_000, OptionalLong.of(startTimeMs), partitions);
  }
}
