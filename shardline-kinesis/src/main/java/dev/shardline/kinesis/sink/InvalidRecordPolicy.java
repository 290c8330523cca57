package dev.shardline.kinesis.sink;

/**
 * What the Kinesis sink does with a record that Kinesis would refuse (over 1 MiB with its partition
 * key, an empty or over-long partition key, a bad explicit hash key) or that its format cannot
 * serialize. Never a silent drop.
 */
public enum InvalidRecordPolicy {
  /** {@code write} throws an {@link InvalidRecordException} naming the record and the problem. */
  FAIL,
  /**
   * The serialized record (or nothing, when serialization failed), with its stream and partition
   * key, goes to the pipeline's dead-letter sink, counted in {@code
   * shardline.records.dead.lettered}. The writer refuses to start without a dead-letter sink.
   */
  DEAD_LETTER
}
