package dev.shardline.flink.source.internal;

import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;

/** A connector reader's context on Flink, over Flink's {@code SourceReaderContext}. */
final class ReaderContextAdapter implements SourceReaderContext {
  private final org.apache.flink.api.connector.source.SourceReaderContext flink;
  private final DeadLetterOutput deadLetters;
  private final MeterRegistry metrics;

  ReaderContextAdapter(
      org.apache.flink.api.connector.source.SourceReaderContext flink,
      DeadLetterOutput deadLetters,
      MeterRegistry metrics) {
    this.flink = flink;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  @Override
  public int readerIndex() {
    return flink.getIndexOfSubtask();
  }

  @Override
  public int parallelism() {
    return flink.currentParallelism();
  }

  @Override
  public void sendEventToEnumerator(SourceEvent event) {
    flink.sendSourceEventToCoordinator(new FlinkSourceEvent(event));
  }

  @Override
  public DeadLetterOutput deadLetters() {
    return deadLetters;
  }

  @Override
  public MeterRegistry metrics() {
    return metrics;
  }

  @Override
  public Time time() {
    return Time.SYSTEM;
  }
}
