package dev.shardline.bench.kinesis.source;

import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.kinesis.source.KinesisRecord;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A sink that notes when each record reached it: the record's value is its id (ASCII digits, as
 * {@link KinesisFanOutBench}'s producer writes it), and its receipt time ({@code nanoTime}) is kept
 * by id; with {@link ArrivalStamps}, also the time from its fan-out event's arrival at the client
 * to its receipt. Thread-safe. Serializable as every sink is; its figures live in this JVM, found
 * by id.
 */
final class LatencySink implements Sink<KinesisRecord<byte[]>>, Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<String, Figures> FIGURES = new ConcurrentHashMap<>();

  private final String id = UUID.randomUUID().toString();

  /** What the sink saw. */
  static final class Figures {
    final Map<Long, Long> receiptNanosById = new ConcurrentHashMap<>();
    final Map<Long, Long> readerNanosById = new ConcurrentHashMap<>();
    final LongAdder duplicates = new LongAdder();
    final LongAdder unstamped = new LongAdder();
    ArrivalStamps stamps;
  }

  /**
   * @param stamps the fan-out event arrival times to measure from, or null
   */
  LatencySink(ArrivalStamps stamps) {
    Figures figures = new Figures();
    figures.stamps = stamps;
    FIGURES.put(id, figures);
  }

  Figures figures() {
    return FIGURES.get(id);
  }

  void release() {
    FIGURES.remove(id);
  }

  @Override
  public SinkWriter<KinesisRecord<byte[]>> createWriter(SinkContext context) {
    Figures figures = figures();
    ArrivalStamps stamps = figures.stamps;
    return new SinkWriter<>() {
      @Override
      public void write(KinesisRecord<byte[]> record) {
        long now = System.nanoTime();
        long recordId = Long.parseLong(new String(record.value(), StandardCharsets.US_ASCII));
        if (figures.receiptNanosById.putIfAbsent(recordId, now) != null) {
          figures.duplicates.increment();
          return;
        }
        if (stamps != null) {
          Long arrived = stamps.arrivalNanos(record.sequenceNumber());
          if (arrived == null) {
            figures.unstamped.increment();
          } else {
            figures.readerNanosById.put(recordId, now - arrived);
          }
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }
}
