package dev.shardline.api;

/**
 * Where a {@link SourceReader} hands its records. A record collected here has been handed
 * downstream when {@code collect} returns: the runner runs the pipeline's functions and sink writes
 * on the calling thread. Not thread-safe: call it only from inside {@code pollNext}.
 *
 * @param <T> the record type
 */
public interface ReaderOutput<T> {

  /** Emits one record. */
  void collect(T record);

  /** Emits one record with its event time (milliseconds since the epoch). */
  default void collect(T record, long eventTimeMillis) {
    collect(record);
  }

  /**
   * The output for the records of one split (a Kinesis shard, a Kafka partition). On Flink each
   * split's output carries its own watermark (with the job's {@code WatermarkStrategy}, idleness
   * included), so event time advances per shard or partition and a slow one holds back the reader's
   * watermark, as Flink's own connectors do. A reader that emits a split's records through it calls
   * {@link #releaseSplit} when the split ended or left the reader. On the embedded runner, which
   * keeps no watermarks, it is this output: records and their event times pass through.
   *
   * @param splitId the split's {@link SourceSplit#splitId()}
   */
  default ReaderOutput<T> forSplit(String splitId) {
    return this;
  }

  /** The split ended or left this reader: its watermark no longer holds back the others. */
  default void releaseSplit(String splitId) {}
}
