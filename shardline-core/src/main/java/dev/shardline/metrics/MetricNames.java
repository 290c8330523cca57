package dev.shardline.metrics;

/**
 * The names of Shardline's meters, in one place so that every connector and both runtimes name the
 * same thing the same way. Scheme: {@code shardline.<where>.<what>}, lower-case words separated by
 * dots (Micrometer's convention; each registry turns them into its own style, e.g. {@code
 * shardline_records_dropped_total} in Prometheus). Units go in the meter, not the name, except
 * bytes. Who and where go in tags (see {@link MetricTags}), never in the name.
 *
 * <pre>{@code
 * Counter dropped = Counter.builder(MetricNames.RECORDS_DROPPED)
 *     .tags(MetricTags.empty().source("kinesis:orders"))
 *     .register(context.metrics());
 * }</pre>
 */
public final class MetricNames {
  private MetricNames() {}

  /** Counter: records a source emitted downstream. Tags: source, split where useful. */
  public static final String SOURCE_RECORDS = "shardline.source.records";

  /** Counter: bytes a source read, before deserialization. Tags: source. */
  public static final String SOURCE_BYTES = "shardline.source.bytes";

  /** Gauge: how far behind the newest record a source is, in milliseconds. Tags: source, split. */
  public static final String SOURCE_LAG_MILLIS = "shardline.source.lag.millis";

  /**
   * Counter: records that failed to deserialize and were dropped by the {@code drop} bad-data
   * policy. Tags: source.
   */
  public static final String RECORDS_DROPPED = "shardline.records.dropped";

  /**
   * Counter: records that failed to deserialize (or to write) and went to the dead-letter sink.
   * Tags: source or sink.
   */
  public static final String RECORDS_DEAD_LETTERED = "shardline.records.dead.lettered";

  /** Counter: records a sink wrote durably. Tags: sink. */
  public static final String SINK_RECORDS = "shardline.sink.records";

  /** Counter: bytes a sink wrote durably, after serialization. Tags: sink. */
  public static final String SINK_BYTES = "shardline.sink.bytes";

  /** Counter: records a sink had to send again after a partial failure. Tags: sink. */
  public static final String SINK_RECORDS_RETRIED = "shardline.sink.records.retried";

  /** Timer: requests a connector made to its service. Tags: source or sink, operation. */
  public static final String REQUESTS = "shardline.requests";

  /** Counter: calls retried under a retry policy. Tags: source or sink, operation. */
  public static final String RETRIES = "shardline.retries";

  /** Timer: how long checkpoints took, from trigger to durable. Tags: pipeline. */
  public static final String CHECKPOINT_DURATION = "shardline.checkpoint.duration";

  /** Counter: checkpoints that failed. Tags: pipeline. */
  public static final String CHECKPOINT_FAILURES = "shardline.checkpoint.failures";
}
