package dev.shardline.kinesis.source;

import dev.shardline.metrics.MetricNames;

/**
 * The meters of the Kinesis source, per shard (tags {@code source} and {@code split}, the split id
 * {@code stream/shardId}); removed when a shard is finished or the reader closes. Besides these:
 * {@link MetricNames#SOURCE_RECORDS} (user records emitted), {@link MetricNames#SOURCE_BYTES}
 * (bytes of Kinesis records read) and {@link MetricNames#SOURCE_LAG_MILLIS} (the last
 * MillisBehindLatest).
 */
public final class KinesisMetricNames {
  private KinesisMetricNames() {}

  /** Counter: calls Kinesis refused for a quota (throttling), per shard. */
  public static final String THROTTLED_CALLS = "shardline.kinesis.throttled.calls";

  /** Counter: shard iterators obtained again after they expired, per shard. */
  public static final String ITERATOR_RENEWALS = "shardline.kinesis.iterator.renewals";

  /** Counter: GetRecords calls made, per shard. */
  public static final String GET_RECORDS_CALLS = "shardline.kinesis.getrecords.calls";
}
