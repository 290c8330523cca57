package dev.shardline.bench.chaos;

import dev.shardline.kafka.internal.HangingTransactions;
import dev.shardline.testkit.kafka.LocalKafka;
import dev.shardline.testkit.kafka.TransactionMarkers;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes the markers a {@link LocalKafka} broker skipped: for each transaction left hanging on the
 * given partitions ({@link HangingTransactions}) whose coordinator provably completed that very
 * transaction ({@link HangingTransactions.Outcome}), the marker the coordinator decided on and
 * should have written (COMMIT with {@link TransactionMarkers#commit}, ABORT with {@code
 * Admin.abortTransaction}). That puts the partitions where a correct broker would have left them,
 * so a check of the output sees what the producers committed rather than the broker's fault. A
 * transaction whose outcome cannot be told (its coordinator does not know it, has it in another
 * state, or has moved on to a later transaction of the same id) is left alone. Stateless.
 */
final class HangingMarkers {
  private HangingMarkers() {}

  /** Writes the skipped markers; returns one line per marker written, saying what was hanging. */
  static List<String> write(LocalKafka kafka, List<TopicPartition> partitions) throws Exception {
    Admin admin = kafka.adminClient();
    List<String> written = new ArrayList<>();
    for (HangingTransactions.Hanging h : HangingTransactions.find(admin, partitions, 30_000)) {
      String marker;
      if (h.outcome() == HangingTransactions.Outcome.COMMITTED) {
        TransactionMarkers.commit(
            kafka.bootstrapServers(),
            h.partition(),
            h.producerId(),
            h.coordinatorProducerEpoch(),
            h.coordinatorEpoch().orElse(0),
            h.markerTransactionVersion());
        marker = "COMMIT";
      } else if (h.outcome() == HangingTransactions.Outcome.ABORTED) {
        admin
            .abortTransaction(
                new AbortTransactionSpec(
                    h.partition(),
                    h.producerId(),
                    h.producerEpoch(),
                    h.coordinatorEpoch().orElse(0)))
            .all()
            .get();
        marker = "ABORT";
      } else {
        continue;
      }
      written.add(
          "the broker left "
              + h
              + " hanging: it skipped the "
              + marker
              + " marker (a Kafka 4.3.1 fault when a transaction ends while a partition has no"
              + " leader); the harness wrote it");
    }
    return written;
  }
}
