package dev.shardline.kafka.sink;

import dev.shardline.api.Committer;
import dev.shardline.api.ShardlineException;
import dev.shardline.kafka.internal.ClusterWatch;
import dev.shardline.kafka.internal.KafkaErrors;
import dev.shardline.kafka.sink.internal.TransactionalProducer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the Kafka transactions of a durable checkpoint: for each {@link KafkaCommittable}, a
 * producer resumes the transaction by its transactional id, producer id and epoch and commits it.
 * Idempotent: a transaction already committed (the restored checkpoint's, committed again after a
 * crash) is answered with success by the coordinator.
 *
 * <p>Outcomes other than success:
 *
 * <ul>
 *   <li>coordinator moving: a {@code RetriableException} (the runner retries, then restarts and
 *       commits again);
 *   <li>brokers unreachable for {@code unreachableTimeout}: a {@code ServerUnreachableException}
 *       naming them (the pipeline restarts and commits again);
 *   <li>the transaction was aborted (it stayed open longer than the transaction timeout, e.g. while
 *       the pipeline was down): an error saying its records are lost and what to raise;
 *   <li>the id was fenced by another producer: an error naming the prefix that two sinks share;
 *   <li>the id is unknown to the coordinator: it expired ({@code transactional.id.expiration.ms})
 *       long after being committed; logged, and treated as committed.
 * </ul>
 *
 * Used from the coordinator thread.
 */
public final class KafkaCommitter implements Committer<KafkaCommittable> {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaCommitter.class);

  private final Map<String, Object> producerProperties;
  private final String bootstrapServers;
  private final Duration transactionTimeout;
  private final Supplier<ClusterWatch> watches;

  /**
   * @param watches a new watch of whether the brokers answer, for each {@link #commit} (each commit
   *     gets the whole unreachableTimeout)
   */
  KafkaCommitter(
      Map<String, Object> producerProperties,
      String bootstrapServers,
      Duration transactionTimeout,
      Supplier<ClusterWatch> watches) {
    this.producerProperties = producerProperties;
    this.bootstrapServers = bootstrapServers;
    this.transactionTimeout = transactionTimeout;
    this.watches = watches;
  }

  @Override
  public void commit(Collection<KafkaCommittable> committables) {
    if (committables.isEmpty()) {
      return;
    }
    try (ClusterWatch watch = watches.get()) {
      for (KafkaCommittable committable : committables) {
        commit(committable, watch);
      }
    }
  }

  private void commit(KafkaCommittable c, ClusterWatch watch) {
    TransactionalProducer producer;
    try {
      producer =
          TransactionalProducer.resume(
              producerProperties,
              c.transactionalId(),
              c.producerId(),
              c.epoch(),
              c.transactionV2());
    } catch (RuntimeException e) {
      throw KafkaErrors.classify("Cannot resume Kafka transaction " + c, e);
    }
    try {
      // blocks up to max.block.ms (60 s) when the brokers do not answer; the watch ends it sooner
      watch.run(producer::commit);
      watch.answered();
      LOG.debug("Committed Kafka transaction {} of checkpoint {}", c, c.checkpointId());
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      throw new ShardlineException(
          "Cannot commit Kafka transaction "
              + c
              + " of checkpoint "
              + c.checkpointId()
              + " on "
              + bootstrapServers
              + ": another producer used its transactional id and fenced it, so its records are"
              + " not in the output. Two sinks or pipelines share the transactional id prefix;"
              + " give each its own transactionalIdPrefix",
          e);
    } catch (InvalidTxnStateException e) {
      throw new ShardlineException(
          "Cannot commit Kafka transaction "
              + c
              + " of checkpoint "
              + c.checkpointId()
              + " on "
              + bootstrapServers
              + ": the broker aborted it, most likely because it stayed open longer than the"
              + " transaction timeout ("
              + transactionTimeout
              + ", e.g. while the pipeline was down), so its records are lost from the output."
              + " Raise transactionTimeout (and the broker's transaction.max.timeout.ms) above the"
              + " longest time a restart may take",
          e);
    } catch (InvalidPidMappingException e) {
      LOG.warn(
          "Kafka transaction {} of checkpoint {} is unknown to the transaction coordinator: it was"
              + " committed and its id expired since (transactional.id.expiration.ms). Treating it"
              + " as committed",
          c,
          c.checkpointId());
    } catch (RuntimeException e) {
      throw KafkaErrors.classify(
          "Cannot commit Kafka transaction " + c + " of checkpoint " + c.checkpointId(), e);
    } finally {
      if (watch.failed()) {
        producer.closeKeepingTransaction(); // the brokers cannot be reached: nothing to wait for
      } else {
        producer.close();
      }
    }
  }

  @Override
  public void close() {
    // producers are per commit and closed after it
  }
}
