package dev.shardline.kinesis.testing;

import dev.shardline.api.SourceEvent;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.kinesis.source.split.KinesisShardSplit;
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
 * A {@link SplitEnumeratorContext} for unit tests: {@code callAsync} work runs when the test calls
 * {@link #runAsyncCalls()}, on the test's thread; assignments are recorded. Not thread-safe.
 */
public final class TestEnumeratorContext implements SplitEnumeratorContext<KinesisShardSplit> {
  private record AsyncCall<R>(
      Callable<R> callable, BiConsumer<R, Throwable> handler, boolean once) {
    void run() {
      R result;
      try {
        result = callable.call();
      } catch (Throwable e) {
        handler.accept(null, e);
        return;
      }
      handler.accept(result, null);
    }
  }

  private final int parallelism;
  private final Set<Integer> registered = new TreeSet<>();
  private final List<AsyncCall<?>> asyncCalls = new ArrayList<>();
  public final Map<Integer, List<KinesisShardSplit>> assigned = new TreeMap<>();
  public final List<Map<Integer, List<KinesisShardSplit>>> assignments = new ArrayList<>();
  private final Time time;

  public TestEnumeratorContext(int parallelism, Time time) {
    this.parallelism = parallelism;
    this.time = time;
  }

  public void register(int reader) {
    registered.add(reader);
  }

  public void unregister(int reader) {
    registered.remove(reader);
  }

  /** Runs every pending callAsync once (periodic ones stay, one-shot ones go). */
  public void runAsyncCalls() {
    List<AsyncCall<?>> calls = List.copyOf(asyncCalls);
    asyncCalls.removeIf(AsyncCall::once);
    calls.forEach(AsyncCall::run);
  }

  /** The split ids assigned to {@code reader} so far. */
  public List<String> assignedTo(int reader) {
    return assigned.getOrDefault(reader, List.of()).stream()
        .map(KinesisShardSplit::splitId)
        .toList();
  }

  /** Every split id assigned so far, to any reader. */
  public List<String> allAssigned() {
    List<String> all = new ArrayList<>();
    assigned.values().forEach(l -> l.forEach(s -> all.add(s.splitId())));
    return all;
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
  public void assignSplits(Map<Integer, List<KinesisShardSplit>> assignment) {
    assignments.add(Map.copyOf(assignment));
    assignment.forEach((r, s) -> assigned.computeIfAbsent(r, k -> new ArrayList<>()).addAll(s));
  }

  @Override
  public void signalNoMoreSplits(int readerId) {}

  @Override
  public void sendEventToReader(int readerId, SourceEvent event) {}

  @Override
  public <R> void callAsync(
      Callable<R> callable,
      BiConsumer<R, Throwable> handler,
      Duration initialDelay,
      Duration period) {
    asyncCalls.add(new AsyncCall<>(callable, handler, period.isZero()));
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
