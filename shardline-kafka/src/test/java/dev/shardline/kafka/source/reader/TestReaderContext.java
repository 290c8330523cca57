package dev.shardline.kafka.source.reader;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;

/** A reader context with a dead-letter list, a meter registry and a clock the test chooses. */
final class TestReaderContext implements SourceReaderContext {
  final List<DeadLetter> deadLetters = new ArrayList<>();
  final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final Time time;

  TestReaderContext(Time time) {
    this.time = time;
  }

  @Override
  public int readerIndex() {
    return 0;
  }

  @Override
  public int parallelism() {
    return 1;
  }

  @Override
  public void sendEventToEnumerator(SourceEvent event) {}

  @Override
  public DeadLetterOutput deadLetters() {
    return new DeadLetterOutput() {
      @Override
      public boolean isConfigured() {
        return true;
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
