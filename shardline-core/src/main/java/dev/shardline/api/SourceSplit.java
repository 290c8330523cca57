package dev.shardline.api;

/**
 * A unit of source work that one reader owns at a time: a Kinesis shard, a Kafka partition, a slice
 * of a generator. Splits are immutable values; a reader's {@link SourceReader#snapshotState}
 * returns new split values carrying the position reached, and restoring hands those back. Splits
 * need not be {@code Serializable}: they travel (in checkpoints, and to Flink readers) as the bytes
 * of their source's {@link Source#splitSerializer()}.
 */
public interface SourceSplit {

  /**
   * Unique within its source and stable across restarts (e.g. {@code
   * "orders/shardId-000000000001"}).
   */
  String splitId();
}
