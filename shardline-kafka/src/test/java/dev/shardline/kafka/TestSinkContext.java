package dev.shardline.kafka;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ProcessingTimeService;
import dev.shardline.api.SinkContext;
import dev.shardline.time.ManualProcessingTimeService;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.OptionalLong;

/** A {@link SinkContext} for driving writers and committers directly. */
record TestSinkContext(
    int writerIndex, int parallelism, String pipelineName, OptionalLong restoredCheckpointId)
    implements SinkContext {

  static TestSinkContext of(int writerIndex, int parallelism, String pipelineName) {
    return new TestSinkContext(writerIndex, parallelism, pipelineName, OptionalLong.empty());
  }

  TestSinkContext restoredFrom(long checkpointId) {
    return new TestSinkContext(
        writerIndex, parallelism, pipelineName, OptionalLong.of(checkpointId));
  }

  @Override
  public DeadLetterOutput deadLetters() {
    return new DeadLetterOutput() {
      @Override
      public boolean isConfigured() {
        return false;
      }

      @Override
      public void send(DeadLetter deadLetter) {
        throw new IllegalStateException("no dead-letter sink");
      }
    };
  }

  @Override
  public MeterRegistry metrics() {
    return new SimpleMeterRegistry();
  }

  @Override
  public Time time() {
    return Time.SYSTEM;
  }

  @Override
  public ProcessingTimeService processingTimeService() {
    return new ManualProcessingTimeService(Time.SYSTEM); // never fired: tests call flush
  }
}
