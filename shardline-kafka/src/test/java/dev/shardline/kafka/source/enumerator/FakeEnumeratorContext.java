package dev.shardline.kafka.source.enumerator;

import dev.shardline.api.SourceEvent;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import dev.shardline.time.ManualTime;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * A hand-written enumerator context: records assignments, and runs {@code callAsync} work only when
 * the test says ({@link #runAsync()}), on the test thread.
 */
final class FakeEnumeratorContext implements SplitEnumeratorContext<KafkaPartitionSplit> {
  private final int parallelism;
  final Set<Integer> registered = new TreeSet<>();
  final Map<Integer, List<KafkaPartitionSplit>> assigned = new TreeMap<>();
  final ManualTime time = new ManualTime();
  private final List<Runnable> async = new ArrayList<>();
  Duration period;

  FakeEnumeratorContext(int parallelism) {
    this.parallelism = parallelism;
  }

  /** Runs every scheduled callAsync once, handing results to the handlers. */
  void runAsync() {
    for (Runnable r : List.copyOf(async)) {
      r.run();
    }
  }

  @Override
  public int parallelism() {
    return parallelism;
  }

  @Override
  public Set<Integer> registeredReaders() {
    return Set.copyOf(registered);
  }

  @Override
  public void assignSplits(Map<Integer, List<KafkaPartitionSplit>> assignment) {
    assignment.forEach(
        (reader, splits) ->
            assigned.computeIfAbsent(reader, r -> new ArrayList<>()).addAll(splits));
  }

  @Override
  public void signalNoMoreSplits(int readerId) {
    throw new UnsupportedOperationException("Kafka partitions never end");
  }

  @Override
  public void sendEventToReader(int readerId, SourceEvent event) {}

  @Override
  public <R> void callAsync(
      Callable<R> callable,
      BiConsumer<R, Throwable> handler,
      Duration initialDelay,
      Duration period) {
    this.period = period;
    async.add(
        () -> {
          R result = null;
          Throwable error = null;
          try {
            result = callable.call();
          } catch (Throwable t) {
            error = t;
          }
          handler.accept(result, error);
        });
  }

  @Override
  public MeterRegistry metrics() {
    return new SimpleMeterRegistry();
  }

  @Override
  public Time time() {
    return time;
  }
}
