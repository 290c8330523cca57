package dev.shardline.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

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

  @Test
  void anOngoingTransactionAtThePartitionsEpochIsInProgress() {
    assertThat(HangingTransactions.inProgress(TransactionState.ONGOING, (short) 3, (short) 3))
        .isTrue();
  }

  @Test
  void markersBeingWrittenAreInProgressAtTheSameEpochOrTheNext() {
    // transaction version 1 ends at the same epoch, version 2 at the next
    assertThat(
            HangingTransactions.inProgress(TransactionState.PREPARE_COMMIT, (short) 0, (short) 0))
        .isTrue();
    assertThat(
            HangingTransactions.inProgress(TransactionState.PREPARE_COMMIT, (short) 1, (short) 0))
        .isTrue();
    assertThat(HangingTransactions.inProgress(TransactionState.PREPARE_ABORT, (short) 1, (short) 0))
        .isTrue();
    assertThat(HangingTransactions.inProgress(TransactionState.PREPARE_ABORT, (short) 2, (short) 0))
        .isFalse();
  }

  @Test
  void aTransactionTheCoordinatorEndedOrMovedPastIsHanging() {
    // the chaos run's case: committed at the coordinator (epoch bumped), open on the partition
    assertThat(
            HangingTransactions.inProgress(TransactionState.COMPLETE_COMMIT, (short) 1, (short) 0))
        .isFalse();
    assertThat(
            HangingTransactions.inProgress(TransactionState.COMPLETE_ABORT, (short) 1, (short) 0))
        .isFalse();
    assertThat(HangingTransactions.inProgress(TransactionState.EMPTY, (short) 1, (short) 0))
        .isFalse();
    // the id went on to a new transaction while the old one stayed open on the partition
    assertThat(HangingTransactions.inProgress(TransactionState.ONGOING, (short) 2, (short) 0))
        .isFalse();
    // the coordinator does not know the producer id at all
    assertThat(HangingTransactions.inProgress(null, (short) -1, (short) 0)).isFalse();
  }

  @Test
  void findReportsOnlyTheOpenTransactionsTheirCoordinatorNoLongerHasInProgress() throws Exception {
    TopicPartition p0 = new TopicPartition("t", 0);
    TopicPartition p1 = new TopicPartition("t", 1);
    // producer 17: committed at the coordinator (TV2 bumped it to epoch 1), open on both partitions
    // producer 18: a transaction in progress; producer 19: idempotent, no open transaction
    // producer 20: open on p1, and the coordinator does not know it
    try (FakeTransactionsAdmin admin =
        new FakeTransactionsAdmin(
            Map.of(
                p0,
                List.of(
                    open(17, 0, 1283, OptionalInt.empty()),
                    open(18, 3, 1290, OptionalInt.of(5)),
                    new ProducerState(19, 0, 4, 0, OptionalInt.empty(), OptionalLong.empty())),
                p1,
                List.of(open(20, 2, 7, OptionalInt.of(4)), open(17, 0, 1570, OptionalInt.empty()))),
            List.of(
                new TransactionListing("sink-2-17", 17, TransactionState.COMPLETE_COMMIT),
                new TransactionListing("sink-0-18", 18, TransactionState.ONGOING)),
            Map.of(
                "sink-2-17", description(TransactionState.COMPLETE_COMMIT, 17, 1),
                "sink-0-18", description(TransactionState.ONGOING, 18, 3)))) {

      List<HangingTransactions.Hanging> hanging =
          HangingTransactions.find(admin, List.of(p1, p0), 5_000);

      assertThat(hanging)
          .extracting(
              HangingTransactions.Hanging::partition,
              HangingTransactions.Hanging::producerId,
              HangingTransactions.Hanging::startOffset,
              HangingTransactions.Hanging::transactionalId,
              HangingTransactions.Hanging::committed)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(p0, 17L, 1283L, "sink-2-17", true),
              org.assertj.core.groups.Tuple.tuple(p1, 20L, 7L, null, false),
              org.assertj.core.groups.Tuple.tuple(p1, 17L, 1570L, "sink-2-17", true));
      assertThat(hanging.get(0).coordinatorProducerEpoch()).isEqualTo((short) 1);
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
      assertThat(HangingTransactions.find(admin, List.of(new TopicPartition("t", 0)), 5_000))
          .isEmpty();
      assertThat(HangingTransactions.find(admin, List.of(), 5_000)).isEmpty();
    }
  }

  private static ProducerState open(
      long producerId, int epoch, long startOffset, OptionalInt coordinatorEpoch) {
    return new ProducerState(
        producerId, epoch, 10, 0, coordinatorEpoch, OptionalLong.of(startOffset));
  }

  private static TransactionDescription description(
      TransactionState state, long producerId, int epoch) {
    return new TransactionDescription(
        1, state, producerId, epoch, 900_000, OptionalLong.empty(), Set.of());
  }
}
