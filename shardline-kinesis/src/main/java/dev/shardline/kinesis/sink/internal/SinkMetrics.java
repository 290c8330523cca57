package dev.shardline.kinesis.sink.internal;

import dev.shardline.metrics.MetricNames;
import dev.shardline.metrics.MetricTags;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Kinesis sink's meters. Counters are bumped once per request, not per record. Gauges read
 * values the writer's state publishes. Counters are thread-safe; {@link #failedRecords} is called
 * by the state's owner only.
 */
public final class SinkMetrics {
  /** Counter: Kinesis records put (an aggregate counts once). */
  public static final String KINESIS_RECORDS = "shardline.sink.kinesis.records";

  /** Counter: bytes of the Kinesis records put (data plus partition key; aggregates whole). */
  public static final String KINESIS_BYTES = "shardline.sink.kinesis.bytes";

  /** Counter: records refused by Kinesis (each failed attempt), tagged with its error code. */
  public static final String RECORDS_FAILED = "shardline.sink.records.failed";

  /** Gauge: PutRecords requests in flight. */
  public static final String REQUESTS_IN_FLIGHT = "shardline.sink.requests.in.flight";

  /** Gauge: records written and not yet acknowledged (buffered, in flight, waiting to retry). */
  public static final String BUFFER_RECORDS = "shardline.sink.buffer.records";

  /** Gauge: bytes of the records written and not yet acknowledged. */
  public static final String BUFFER_BYTES = "shardline.sink.buffer.bytes";

  /** Counter: ListShards refreshes of the shard map. */
  public static final String SHARD_MAP_REFRESHES = "shardline.sink.shard.map.refreshes";

  /**
   * Counter: aggregates Kinesis put in a shard that does not own all their keys (the shards changed
   * after they were packed); their user records were sent again, split by the new shard map.
   */
  public static final String AGGREGATES_MISDELIVERED = "shardline.sink.aggregates.misdelivered";

  /** The tag of {@link #RECORDS_FAILED}. */
  public static final String ERROR_CODE = "errorCode";

  private final MeterRegistry registry;
  private final MetricTags tags;
  final Counter records;
  final Counter bytes;
  final Counter kinesisRecords;
  final Counter kinesisBytes;
  final Counter retried;
  final Counter deadLettered;
  final Counter shardMapRefreshes;
  final Counter misdelivered;
  final Timer putRecords;
  final AtomicLong inFlight = new AtomicLong();
  final AtomicLong bufferRecords = new AtomicLong();
  final AtomicLong bufferBytes = new AtomicLong();
  private final Map<String, Counter> failedByCode = new HashMap<>();

  /**
   * @param stream the value of the {@code stream} tag: the stream's name, or {@code *} when a
   *     function picks the stream per record
   */
  public SinkMetrics(MeterRegistry registry, String stream) {
    this.registry = registry;
    this.tags = MetricTags.empty().and("stream", stream);
    this.records = Counter.builder(MetricNames.SINK_RECORDS).tags(tags).register(registry);
    this.bytes =
        Counter.builder(MetricNames.SINK_BYTES).baseUnit("bytes").tags(tags).register(registry);
    this.kinesisRecords = Counter.builder(KINESIS_RECORDS).tags(tags).register(registry);
    this.kinesisBytes =
        Counter.builder(KINESIS_BYTES).baseUnit("bytes").tags(tags).register(registry);
    this.retried = Counter.builder(MetricNames.SINK_RECORDS_RETRIED).tags(tags).register(registry);
    this.deadLettered =
        Counter.builder(MetricNames.RECORDS_DEAD_LETTERED).tags(tags).register(registry);
    this.shardMapRefreshes = Counter.builder(SHARD_MAP_REFRESHES).tags(tags).register(registry);
    this.misdelivered = Counter.builder(AGGREGATES_MISDELIVERED).tags(tags).register(registry);
    this.putRecords =
        Timer.builder(MetricNames.REQUESTS).tags(tags.operation("PutRecords")).register(registry);
    Gauge.builder(REQUESTS_IN_FLIGHT, inFlight, AtomicLong::get).tags(tags).register(registry);
    Gauge.builder(BUFFER_RECORDS, bufferRecords, AtomicLong::get).tags(tags).register(registry);
    Gauge.builder(BUFFER_BYTES, bufferBytes, AtomicLong::get)
        .baseUnit("bytes")
        .tags(tags)
        .register(registry);
  }

  void failedRecords(String errorCode, int count) {
    failedByCode
        .computeIfAbsent(
            errorCode,
            code ->
                Counter.builder(RECORDS_FAILED).tags(tags.and(ERROR_CODE, code)).register(registry))
        .increment(count);
  }

  void request(long nanos) {
    putRecords.record(nanos, TimeUnit.NANOSECONDS);
  }
}
