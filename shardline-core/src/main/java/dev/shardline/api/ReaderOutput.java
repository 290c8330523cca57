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
}
