package dev.shardline.kafka;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sink that keeps every record it gets in memory, in arrival order (at least once: it has no
 * checkpoint state of its own). Thread-safe.
 */
final class CollectingSink<T> implements Sink<T> {
  private final List<T> records = new CopyOnWriteArrayList<>();

  @Override
  public SinkWriter<T> createWriter(SinkContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(T record) {
        records.add(record);
      }

      @Override
      public void flush() {}
    };
  }

  /** A copy of what arrived so far. */
  List<T> records() {
    return new ArrayList<>(records);
  }

  int size() {
    return records.size();
  }
}
