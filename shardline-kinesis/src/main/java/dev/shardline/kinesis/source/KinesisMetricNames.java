package dev.shardline.kinesis.source;

import dev.shardline.metrics.MetricNames;

/**
 * The meters of the Kinesis source, per shard (tags {@code source} and {@code split}, the split id
 * {@code stream/shardId}); removed when a shard is finished or the reader closes. Besides these:
 * {@link MetricNames#SOURCE_RECORDS} (user records emitted), {@link MetricNames#SOURCE_BYTES}
 * (bytes of Kinesis records read) and {@link MetricNames#SOURCE_LAG_MILLIS} (the last
 * MillisBehindLatest). {@link #AGGREGATES_DROPPED} and {@link #AGGREGATED_RECORDS_DROPPED} are per
 * source (tag {@code source}) and stay registered.
 */
public final class KinesisMetricNames {
  private KinesisMetricNames() {}

  /** Counter: calls Kinesis refused for a quota (throttling), per shard. */
  public static final String THROTTLED_CALLS = "shardline.kinesis.throttled.calls";

  /** Counter: shard iterators obtained again after they expired, per shard. */
  public static final String ITERATOR_RENEWALS = "shardline.kinesis.iterator.renewals";

  /** Counter: GetRecords calls made, per shard. */
  public static final String GET_RECORDS_CALLS = "shardline.kinesis.getrecords.calls";

  /**
   * Counter: SubscribeToShard calls after a shard's first (fan-out), per shard: subscriptions that
   * ended after their 5 minutes, dropped connections, refused or silent subscriptions.
   */
  public static final String RESUBSCRIPTIONS = "shardline.kinesis.fanout.resubscriptions";

  /**
   * Counter: KPL aggregates dropped whole because a user record inside does not belong to the shard
   * they were read from (its hash key is outside the shard's range), as the KCL drops them; tagged
   * {@code source} only, and kept when shards finish. Such an aggregate was put by a producer whose
   * shard map was out of date during resharding; Shardline's Kinesis sink sends its records again.
   */
  public static final String AGGREGATES_DROPPED = "shardline.kinesis.aggregates.dropped";

  /** Counter: the user records inside the aggregates counted by {@link #AGGREGATES_DROPPED}. */
  public static final String AGGREGATED_RECORDS_DROPPED =
      "shardline.kinesis.aggregates.dropped.records";
}
