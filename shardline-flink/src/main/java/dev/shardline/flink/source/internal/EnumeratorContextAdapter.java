package dev.shardline.flink.source.internal;

import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceSplit;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.connector.source.SplitsAssignment;

/**
 * A connector enumerator's context on Flink, over Flink's {@code SplitEnumeratorContext}: Flink's
 * source coordinator thread is the enumerator's thread, and {@link #callAsync} runs on Flink's
 * coordinator worker, handing results back to the coordinator thread, as the contract asks.
 */
final class EnumeratorContextAdapter<S extends SourceSplit> implements SplitEnumeratorContext<S> {
  /** A period long enough to mean "once": Flink's callAsync has no delayed one-shot form. */
  private static final long ONCE_PERIOD_MILLIS = Duration.ofDays(365).toMillis();

  private final org.apache.flink.api.connector.source.SplitEnumeratorContext<FlinkSplit<S>> flink;
  private final MeterRegistry metrics;

  EnumeratorContextAdapter(
      org.apache.flink.api.connector.source.SplitEnumeratorContext<FlinkSplit<S>> flink,
      MeterRegistry metrics) {
    this.flink = flink;
    this.metrics = metrics;
  }

  @Override
  public int parallelism() {
    return flink.currentParallelism();
  }

  @Override
  public Set<Integer> registeredReaders() {
    return Set.copyOf(flink.registeredReaders().keySet());
  }

  @Override
  public void assignSplits(Map<Integer, List<S>> assignment) {
    Map<Integer, List<FlinkSplit<S>>> wrapped = new HashMap<>();
    assignment.forEach(
        (reader, splits) -> {
          List<FlinkSplit<S>> list = new ArrayList<>(splits.size());
          for (S split : splits) {
            list.add(new FlinkSplit<>(split));
          }
          if (!list.isEmpty()) {
            wrapped.put(reader, list);
          }
        });
    if (!wrapped.isEmpty()) {
      flink.assignSplits(new SplitsAssignment<>(wrapped));
    }
  }

  @Override
  public void signalNoMoreSplits(int readerId) {
    flink.signalNoMoreSplits(readerId);
  }

  @Override
  public void sendEventToReader(int readerId, SourceEvent event) {
    flink.sendEventToSourceReader(readerId, new FlinkSourceEvent(event));
  }

  @Override
  public <R> void callAsync(
      Callable<R> callable,
      BiConsumer<R, Throwable> handler,
      Duration initialDelay,
      Duration period) {
    if (period.isZero() && initialDelay.isZero()) {
      flink.callAsync(callable, handler);
    } else {
      long periodMillis = period.isZero() ? ONCE_PERIOD_MILLIS : Math.max(1, period.toMillis());
      flink.callAsync(callable, handler, initialDelay.toMillis(), periodMillis);
    }
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
