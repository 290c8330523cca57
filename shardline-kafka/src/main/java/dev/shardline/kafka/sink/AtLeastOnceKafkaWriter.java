package dev.shardline.kafka.sink;

import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.kafka.internal.ClusterWatch;
import dev.shardline.kafka.internal.KafkaErrors;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One worker's writer of an at-least-once {@link KafkaSink}: sends each record through one
 * (idempotent) producer; {@link #flush()} returns once the brokers acknowledged every record sent
 * before it, and throws if any send failed. A {@link ClusterWatch} tells when the brokers cannot be
 * reached, and fails the writer (ending a blocked send or flush) once they have not answered for
 * {@code unreachableTimeout}. Used by one thread.
 */
final class AtLeastOnceKafkaWriter<T> implements CommittingSinkWriter<T, KafkaCommittable> {
  private final KafkaProducer<byte[], byte[]> producer;
  private final RecordSerializer<T> serializer;
  private final SendErrors errors;
  private final ClusterWatch watch;
  private final Counter written;
  private long sent;

  AtLeastOnceKafkaWriter(
      Map<String, Object> producerProperties,
      RecordSerializer<T> serializer,
      String bootstrapServers,
      ClusterWatch watch,
      Counter written) {
    this.serializer = serializer;
    this.watch = watch;
    this.errors = new SendErrors(bootstrapServers, watch);
    this.written = written;
    try {
      this.producer =
          new KafkaProducer<>(
              producerProperties, new ByteArraySerializer(), new ByteArraySerializer());
    } catch (RuntimeException e) {
      watch.close();
      throw KafkaErrors.classify("Cannot create the Kafka producer for " + bootstrapServers, e);
    }
  }

  @Override
  public void write(T record) {
    errors.check();
    errors.send(() -> producer.send(serializer.toRecord(record), errors));
    sent++;
  }

  @Override
  public void flush() {
    watch.run(producer::flush);
    errors.check();
    written.increment(sent);
    sent = 0;
  }

  @Override
  public Collection<KafkaCommittable> prepareCommit() {
    return List.of();
  }

  @Override
  public void close() {
    // what was not flushed is written again from the checkpoint
    try {
      producer.close(watch.failed() ? Duration.ZERO : Duration.ofSeconds(1));
    } finally {
      watch.close();
    }
  }
}
