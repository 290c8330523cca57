package dev.shardline.kinesis.testing;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;

/** A {@link SourceReaderContext} that records events and dead letters. Not thread-safe. */
public final class TestReaderContext implements SourceReaderContext {
  public final List<SourceEvent> events = new ArrayList<>();
  public final List<DeadLetter> deadLetters = new ArrayList<>();
  public final MeterRegistry metrics = new SimpleMeterRegistry();
  private final Time time;
  private final int index;
  private final boolean deadLetterSink;

  public TestReaderContext(Time time) {
    this(time, 0, false);
  }

  public TestReaderContext(Time time, int index, boolean deadLetterSink) {
    this.time = time;
    this.index = index;
    this.deadLetterSink = deadLetterSink;
  }

  @Override
  public int readerIndex() {
    return index;
  }

  @Override
  public int parallelism() {
    return 1;
  }

  @Override
  public void sendEventToEnumerator(SourceEvent event) {
    events.add(event);
  }

  @Override
  public DeadLetterOutput deadLetters() {
    return new DeadLetterOutput() {
      @Override
      public boolean isConfigured() {
        return deadLetterSink;
      }

      @Override
      public void send(DeadLetter deadLetter) {
        deadLetters.add(deadLetter);
      }
    };
  }

  @Override
  public MeterRegistry metrics() {
    return metrics;
  }

  @Override
  public Time time() {
    return time;
  }
}
