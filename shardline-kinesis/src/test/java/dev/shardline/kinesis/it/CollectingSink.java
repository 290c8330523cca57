package dev.shardline.kinesis.it;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An at-least-once sink that keeps what it is given in memory, in arrival order (across writers),
 * for tests. Thread-safe.
 *
 * @param <T> the records
 * @param <R> what is kept of each
 */
final class CollectingSink<T, R> implements Sink<T> {
  private final Function<T, R> keep;
  private final List<R> records = new ArrayList<>();

  CollectingSink(Function<T, R> keep) {
    this.keep = keep;
  }

  /** A copy of what was collected so far. */
  synchronized List<R> records() {
    return new ArrayList<>(records);
  }

  synchronized int size() {
    return records.size();
  }

  @Override
  public SinkWriter<T> createWriter(SinkContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(T record) {
        R kept = keep.apply(record);
        synchronized (CollectingSink.this) {
          records.add(kept);
        }
      }

      @Override
      public void flush() {}
    };
  }
}
