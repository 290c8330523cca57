package dev.shardline.kafka.sink;

import dev.shardline.api.CommittingSinkWriter;
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
 * before it, and throws if any send failed. Used by one thread.
 */
final class AtLeastOnceKafkaWriter<T> implements CommittingSinkWriter<T, KafkaCommittable> {
  private final KafkaProducer<byte[], byte[]> producer;
  private final RecordSerializer<T> serializer;
  private final SendErrors errors;
  private final Counter written;
  private long sent;

  AtLeastOnceKafkaWriter(
      Map<String, Object> producerProperties,
      RecordSerializer<T> serializer,
      String bootstrapServers,
      Counter written) {
    this.serializer = serializer;
    this.errors = new SendErrors(bootstrapServers);
    this.written = written;
    try {
      this.producer =
          new KafkaProducer<>(
              producerProperties, new ByteArraySerializer(), new ByteArraySerializer());
    } catch (RuntimeException e) {
      throw KafkaErrors.classify("Cannot create the Kafka producer for " + bootstrapServers, e);
    }
  }

  @Override
  public void write(T record) {
    errors.check();
    producer.send(serializer.toRecord(record), errors);
    sent++;
  }

  @Override
  public void flush() {
    producer.flush();
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
    producer.close(Duration.ofSeconds(1));
  }
}
