package dev.shardline.bench;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import java.util.concurrent.atomic.LongAdder;

/**
 * A sink that drops every record after measuring its length, so a benchmark measures the runner and
 * not a destination. Thread-safe; its writers are used by one worker thread each.
 */
public final class DiscardingSink implements Sink<Object> {
  private final LongAdder records = new LongAdder();
  private final LongAdder chars = new LongAdder();

  @Override
  public SinkWriter<Object> createWriter(SinkContext context) {
    return new SinkWriter<>() {
      private long localRecords;
      private long localChars;

      @Override
      public void write(Object record) {
        localRecords++;
        localChars += record.toString().length();
      }

      @Override
      public void flush() {
        records.add(localRecords);
        chars.add(localChars);
        localRecords = 0;
        localChars = 0;
      }

      @Override
      public void close() {}
    };
  }

  /** Records seen by writers up to their last flush (checkpoint). */
  public long records() {
    return records.sum();
  }

  /** The mean record length in characters (bytes, for ASCII records), up to the last flush. */
  public double meanRecordLength() {
    long n = records.sum();
    return n == 0 ? 0 : (double) chars.sum() / n;
  }
}
