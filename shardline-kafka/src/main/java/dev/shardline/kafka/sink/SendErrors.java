package dev.shardline.kafka.sink;

import dev.shardline.kafka.internal.KafkaErrors;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Collects the outcome of a writer's sends: counts acknowledged records and keeps the first error,
 * which the writer throws at its next write or flush, so that no failed send goes unnoticed.
 * Callbacks run on the producer's I/O thread; the rest on the writer's thread.
 */
final class SendErrors implements Callback {
  private final String bootstrapServers;
  private volatile Exception first;
  private volatile String firstTopic;

  SendErrors(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  @Override
  public void onCompletion(RecordMetadata metadata, Exception exception) {
    if (exception != null && first == null) {
      firstTopic = metadata == null ? "?" : metadata.topic() + "-" + metadata.partition();
      first = exception;
    }
  }

  /** Throws the first failed send's error, if any. */
  void check() {
    Exception e = first;
    if (e != null) {
      throw KafkaErrors.classify(
          "Writing to Kafka partition "
              + firstTopic
              + " on "
              + bootstrapServers
              + " failed; the records since the last checkpoint are written again after the"
              + " restart",
          e);
    }
  }

  /** Forgets the errors (a new transaction starts). */
  void reset() {
    first = null;
    firstTopic = null;
  }
}
