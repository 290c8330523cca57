package dev.shardline.kafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.logging.StandardError;
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

/** What the exactly-once sink's writer 0 says about hanging transactions on its topic. */
class TransactionalIdsHangingTest {
  private static final TopicPartition P0 = new TopicPartition("orders", 0);
  private static final TopicPartition P1 = new TopicPartition("orders", 1);

  @Test
  void aHangingTransactionOfThePrefixIsAnErrorWithTheOffsetAndTheCommandThatEndsIt()
      throws Exception {
    // Given: the sink's committed transaction open on p0 (the broker skipped its marker), another
    // sink's on p1, and on p1 also one whose transactional id the coordinator no longer knows
    TransactionalIds ids = new TransactionalIds("enricher", 0, 2, Map.of());
    try (FakeTransactionsAdmin admin =
        new FakeTransactionsAdmin(
            Map.of(
                P0, List.of(open(17, 0, 1283)),
                P1, List.of(open(18, 0, 90), open(20, 4, 95))),
            List.of(
                new TransactionListing("enricher-1-41", 17, TransactionState.COMPLETE_COMMIT),
                new TransactionListing("other-0-7", 18, TransactionState.COMPLETE_COMMIT)),
            Map.of(
                "enricher-1-41", completed(17),
                "other-0-7", completed(18)))) {

      // When writer 0 looks
      List<?>[] reported = new List<?>[1];
      String log =
          StandardError.during(
              () -> reported[0] = ids.reportHanging(admin, "orders", "broker:9092"));

      // Then the sink's own is an ERROR that says what happened and how to end it; the unknown
      // one a WARN; the other sink's is not this sink's to report
      assertThat(reported[0]).hasSize(1);
      assertThat(log)
          .contains(
              "ERROR dev.shardline.kafka.sink.TransactionalIds - This sink's Kafka transaction"
                  + " enricher-1-41 (producer 17, epoch 0) open on orders-0 from offset 1283;"
                  + " coordinator: CompleteCommit at epoch 1, which its coordinator committed (so"
                  + " did the sink). read_committed consumers of orders-0 stop at offset 1283")
          .contains("the coordinator skips the partition's marker")
          .contains(
              "'kafka-transactions.sh --bootstrap-server broker:9092 [--command-config FILE]"
                  + " abort --topic orders --partition 0 --start-offset 1283'")
          .contains(
              "WARN dev.shardline.kafka.sink.TransactionalIds - Kafka transaction with an unknown"
                  + " transactional id (producer 20, epoch 4) open on orders-1 from offset 95;"
                  + " coordinator: does not know the producer id; it may be this sink's (prefix"
                  + " 'enricher')")
          .doesNotContain("other-0-7");
    }
  }

  @Test
  void aTopicThatDoesNotExistYetIsSkippedQuietly() throws Exception {
    TransactionalIds ids = new TransactionalIds("enricher", 0, 1, Map.of());
    try (FakeTransactionsAdmin admin = new FakeTransactionsAdmin(Map.of(), List.of(), Map.of())) {
      String log = StandardError.during(() -> ids.reportHanging(admin, "orders", "broker:9092"));
      assertThat(log).doesNotContain("WARN").doesNotContain("ERROR");
    }
  }

  private static ProducerState open(long producerId, int epoch, long startOffset) {
    return new ProducerState(
        producerId, epoch, 3, 0, OptionalInt.empty(), OptionalLong.of(startOffset));
  }

  private static TransactionDescription completed(long producerId) {
    return new TransactionDescription(
        1,
        TransactionState.COMPLETE_COMMIT,
        producerId,
        1,
        900_000,
        OptionalLong.empty(),
        Set.of());
  }
}
