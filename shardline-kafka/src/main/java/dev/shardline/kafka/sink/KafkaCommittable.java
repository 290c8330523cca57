package dev.shardline.kafka.sink;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

/**
 * An open Kafka transaction that an exactly-once writer prepared at a checkpoint and the {@link
 * KafkaCommitter} commits once the checkpoint is durable: everything needed to resume it from
 * another producer, even after a crash. Immutable.
 *
 * @param transactionalId {@code <prefix>-<writer>-<checkpoint>}
 * @param producerId the producer id the transaction was written under
 * @param epoch the producer epoch the transaction was written under
 * @param transactionV2 whether it was written with Kafka's transaction protocol version 2
 *     (KIP-890), which decides how the commit request is sent
 * @param checkpointId the checkpoint it belongs to
 */
public record KafkaCommittable(
    String transactionalId,
    long producerId,
    short epoch,
    boolean transactionV2,
    long checkpointId) {

  public KafkaCommittable {
    checkNotNull(transactionalId, "transactionalId");
    checkArgument(producerId >= 0, "producerId must be 0 or more, was " + producerId);
    checkArgument(epoch >= 0, "epoch must be 0 or more, was " + epoch);
  }

  @Override
  public String toString() {
    return transactionalId + " (producer " + producerId + ", epoch " + epoch + ")";
  }
}
