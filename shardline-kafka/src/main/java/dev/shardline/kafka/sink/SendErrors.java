package dev.shardline.kafka.sink;

import dev.shardline.kafka.internal.ClusterWatch;
import dev.shardline.kafka.internal.KafkaErrors;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Collects the outcome of a writer's sends: keeps the first error, which the writer throws at its
 * next write or flush, so that no failed send goes unnoticed, and tells the writer's {@link
 * ClusterWatch} that each send ended (an acknowledgement is an answer of the brokers). Callbacks
 * run on the producer's I/O thread; the rest on the writer's thread.
 */
final class SendErrors implements Callback {
  private final String bootstrapServers;
  private final ClusterWatch watch;
  private volatile Exception first;
  private volatile String firstTopic;

  SendErrors(String bootstrapServers, ClusterWatch watch) {
    this.bootstrapServers = bootstrapServers;
    this.watch = watch;
  }

  /**
   * Runs {@code send}, a {@code producer.send(record, this)} that may block while metadata is
   * unknown or the buffer is full, through the watch. The record is waited for until its callback
   * runs; a send that throws instead (serialization, an interrupt) has no callback, so it is not
   * waited for.
   */
  void send(Runnable send) {
    watch.requested();
    try {
      watch.run(send);
    } catch (RuntimeException e) {
      watch.completed(false);
      throw e;
    }
  }

  @Override
  public void onCompletion(RecordMetadata metadata, Exception exception) {
    watch.completed(exception == null);
    if (exception != null && first == null) {
      firstTopic = metadata == null ? "?" : metadata.topic() + "-" + metadata.partition();
      first = exception;
    }
  }

  /**
   * Throws the first failed send's error, if any; or the watch's failure, once the brokers did not
   * answer for longer than unreachableTimeout (the sends then failed because of it).
   */
  void check() {
    watch.throwIfFailed();
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
