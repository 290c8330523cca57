package dev.shardline.kafka.sink;

import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.kafka.internal.ClusterWatch;
import dev.shardline.kafka.internal.KafkaErrors;
import dev.shardline.kafka.sink.internal.TransactionalProducer;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.ProducerIdAndEpoch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's writer of an exactly-once {@link KafkaSink}: the records of each checkpoint go into
 * one Kafka transaction under the transactional id {@code <prefix>-<writer>-<checkpoint>} (see
 * {@link TransactionalIds}). The transaction and its producer are created at the first record of a
 * checkpoint, so a checkpoint without records opens none. {@link #prepareCommit()} flushes, records
 * the transaction's producer id and epoch in a {@link KafkaCommittable}, and closes the producer
 * without ending the transaction; the {@link KafkaCommitter} commits it once the checkpoint is
 * durable. {@link #close()} aborts a transaction not yet prepared.
 *
 * <p>When it is created (after the runner committed the restored checkpoint's transactions), it
 * aborts the transactions crashed writers left open ({@link TransactionalIds#abortLingering}), and
 * writer 0 looks, in the background, for transactions of its prefix the broker left hanging on the
 * sink's topic, and logs an error for each ({@link TransactionalIds#reportHangingInBackground}; not
 * with a topic function). Used by one thread. A {@link ClusterWatch} tells when the brokers cannot
 * be reached, and fails the writer (ending a blocked call) once they have not answered for {@code
 * unreachableTimeout}.
 */
final class ExactlyOnceKafkaWriter<T> implements CommittingSinkWriter<T, KafkaCommittable> {
  private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceKafkaWriter.class);

  private final Map<String, Object> producerProperties;
  private final RecordSerializer<T> serializer;
  private final TransactionalIds ids;
  private final SendErrors errors;
  private final ClusterWatch watch;
  private final Counter written;
  // the checkpoint the records written now belong to: the context's first one, then one more per
  // prepareCommit (ids grow by one per checkpoint while a writer lives)
  private long checkpointId;
  private TransactionalProducer transaction;
  private long sent;

  ExactlyOnceKafkaWriter(
      Map<String, Object> producerProperties,
      RecordSerializer<T> serializer,
      TransactionalIds ids,
      long restoredCheckpointId,
      long firstCheckpointId,
      String topic,
      String bootstrapServers,
      ClusterWatch watch,
      Counter written) {
    this.producerProperties = producerProperties;
    this.serializer = serializer;
    this.ids = ids;
    this.watch = watch;
    this.errors = new SendErrors(bootstrapServers, watch);
    this.written = written;
    this.checkpointId = firstCheckpointId;
    try {
      watch.run(() -> ids.abortLingering(producerProperties, restoredCheckpointId));
      watch.answered();
      if (topic != null) {
        ids.reportHangingInBackground(topic, bootstrapServers);
      }
    } catch (RuntimeException e) {
      watch.close();
      throw e;
    }
  }

  @Override
  public void write(T record) {
    errors.check();
    if (transaction == null) {
      String id = ids.idFor(checkpointId);
      try {
        transaction = watch.call(() -> TransactionalProducer.begin(producerProperties, id));
        watch.answered();
      } catch (RuntimeException e) { // a ServerUnreachableException passes through unchanged
        throw KafkaErrors.classify("Cannot begin Kafka transaction " + id, e);
      }
    }
    TransactionalProducer producer = transaction;
    errors.send(() -> producer.send(serializer.toRecord(record), errors));
    sent++;
  }

  @Override
  public void flush() {
    if (transaction != null) {
      watch.run(transaction::flush);
      errors.check();
    }
  }

  @Override
  public Collection<KafkaCommittable> prepareCommit() {
    long id = checkpointId++;
    if (transaction == null) {
      return List.of();
    }
    watch.run(transaction::flush);
    errors.check();
    ProducerIdAndEpoch producer = transaction.producerIdAndEpoch();
    KafkaCommittable committable =
        new KafkaCommittable(
            transaction.transactionalId(),
            producer.producerId,
            producer.epoch,
            transaction.isTransactionV2(),
            id);
    transaction.closeKeepingTransaction();
    transaction = null;
    written.increment(sent);
    sent = 0;
    LOG.debug("Prepared {} for checkpoint {}", committable, id);
    return List.of(committable);
  }

  @Override
  public void close() {
    try {
      if (transaction != null) {
        // never prepared, so no checkpoint refers to it: abort it now rather than leave it open
        // until the next writer (or the transaction timeout) aborts it; brokers that cannot be
        // reached cannot abort it (the next writer does)
        transaction.closeAborting(watch.failed() ? Duration.ZERO : Duration.ofSeconds(5));
        transaction = null;
      }
    } finally {
      watch.close();
    }
  }
}
