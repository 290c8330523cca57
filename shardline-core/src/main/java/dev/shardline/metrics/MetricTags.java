package dev.shardline.metrics;

import static dev.shardline.util.Preconditions.checkNotNull;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.Iterator;

/**
 * The tags of a Shardline meter, with the same keys everywhere: {@value #PIPELINE}, {@value
 * #SOURCE}, {@value #SINK}, {@value #SPLIT}, {@value #OPERATION}. An immutable value; each method
 * returns a copy with one more tag (or a replaced one). Usable wherever Micrometer takes tags, as
 * it is an {@code Iterable<Tag>}. Thread-safe.
 *
 * <pre>{@code
 * MetricTags tags = MetricTags.empty().pipeline("orders-to-kafka").source("kinesis:orders");
 * Counter.builder(MetricNames.SOURCE_RECORDS).tags(tags.split("shardId-000000000001"))
 *     .register(registry);
 * }</pre>
 *
 * <p>Use {@link #split} with care: a tag per shard or partition multiplies the time series (a
 * stream of thousands of shards makes thousands of series per meter).
 */
public final class MetricTags implements Iterable<Tag> {
  /** The pipeline's name. */
  public static final String PIPELINE = "pipeline";

  /** The source's identity, e.g. {@code kinesis:orders}. */
  public static final String SOURCE = "source";

  /** The sink's name, e.g. {@code kafka:orders-copy}. */
  public static final String SINK = "sink";

  /** A split's id: a shard id, a topic-partition. */
  public static final String SPLIT = "split";

  /** A service call, e.g. {@code PutRecords}. */
  public static final String OPERATION = "operation";

  private static final MetricTags EMPTY = new MetricTags(Tags.empty());

  private final Tags tags;

  private MetricTags(Tags tags) {
    this.tags = tags;
  }

  /** No tags. */
  public static MetricTags empty() {
    return EMPTY;
  }

  /** With {@value #PIPELINE}. */
  public MetricTags pipeline(String name) {
    return and(PIPELINE, name);
  }

  /** With {@value #SOURCE}. */
  public MetricTags source(String identity) {
    return and(SOURCE, identity);
  }

  /** With {@value #SINK}. */
  public MetricTags sink(String name) {
    return and(SINK, name);
  }

  /** With {@value #SPLIT}. */
  public MetricTags split(String splitId) {
    return and(SPLIT, splitId);
  }

  /** With {@value #OPERATION}. */
  public MetricTags operation(String operation) {
    return and(OPERATION, operation);
  }

  /** With any other tag. */
  public MetricTags and(String key, String value) {
    checkNotNull(key, "key");
    checkNotNull(value, key);
    return new MetricTags(tags.and(key, value));
  }

  /** As Micrometer {@link Tags}. */
  public Tags toTags() {
    return tags;
  }

  @Override
  public Iterator<Tag> iterator() {
    return tags.iterator();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetricTags t && t.tags.equals(tags);
  }

  @Override
  public int hashCode() {
    return tags.hashCode();
  }

  @Override
  public String toString() {
    return tags.toString();
  }
}
