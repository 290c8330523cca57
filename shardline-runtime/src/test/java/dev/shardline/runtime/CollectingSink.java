package dev.shardline.runtime;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import java.util.ArrayList;
import java.util.List;

/** A test sink that keeps every record written, in memory; at-least-once like any plain sink. */
final class CollectingSink<T> implements Sink<T> {
  private final List<T> records = new ArrayList<>();
  private final List<Integer> writerIndexes = new ArrayList<>();

  @Override
  public SinkWriter<T> createWriter(SinkContext context) {
    synchronized (this) {
      writerIndexes.add(context.writerIndex());
    }
    return new SinkWriter<>() {
      @Override
      public void write(T record) {
        synchronized (CollectingSink.this) {
          records.add(record);
        }
      }

      @Override
      public void flush() {}
    };
  }

  synchronized List<T> records() {
    return new ArrayList<>(records);
  }

  synchronized List<Integer> writerIndexes() {
    return new ArrayList<>(writerIndexes);
  }
}
