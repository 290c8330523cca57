package dev.shardline.format;

import static dev.shardline.util.Preconditions.checkNotNull;
import static dev.shardline.util.Preconditions.checkState;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.config.internal.Values;
import dev.shardline.format.internal.RateLimitedLog;
import dev.shardline.metrics.MetricNames;
import dev.shardline.metrics.MetricTags;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a connector's reader calls for every raw record it reads: raw bytes and their coordinates
 * in, zero or more decoded values out. It applies the framing (one record may hold many lines), the
 * format, and the bad-data policy to each value that fails to deserialize:
 *
 * <ul>
 *   <li>{@link BadDataPolicy#FAIL}: throws a {@link BadRecordException} naming the coordinates and
 *       the cause;
 *   <li>{@link BadDataPolicy#DROP}: counts it in {@value MetricNames#RECORDS_DROPPED} (tagged with
 *       the source), logs it at WARN with its coordinates (at most once per {@code logInterval}),
 *       and goes on;
 *   <li>{@link BadDataPolicy#DEAD_LETTER}: sends its raw bytes, coordinates and error to the {@link
 *       DeadLetterOutput}, counts it in {@value MetricNames#RECORDS_DEAD_LETTERED}, logs as for
 *       drop, and goes on.
 * </ul>
 *
 * <p>With newline framing, the coordinates of a bad value get a {@code line} entry (1 for the first
 * line), and a dead letter carries that line's bytes, not the whole record.
 *
 * <p>Exceptions thrown by the consumer the values go to are not bad data: they pass through. Nor is
 * a {@link ShardlineException} thrown by the deserializer (a schema registry that does not answer):
 * it passes through too, so the reader fails rather than drop good records.
 *
 * <p>Thread-safety: a reader owns its decoder and calls it from its own thread, as {@link
 * DeadLetterOutput} requires. Its counters and log limiter are thread-safe, so with policy fail or
 * drop and a thread-safe schema (every built-in format) one decoder may also be shared.
 *
 * <pre>{@code
 * // in SourceReader#start(), from configuration
 * RecordDecoder<?> decoder = RecordDecoder.fromConfiguration(config, "kinesis:orders", context);
 * // in pollNext
 * decoder.decode(record.data(), coordinatesOf(record), output::collect);
 *
 * // from Java
 * RecordDecoder<Order> orders = RecordDecoder.builder(JsonFormat.forClass(Order.class))
 *     .source("kinesis:orders")
 *     .policy(BadDataPolicy.DROP)
 *     .context(readerContext)
 *     .build();
 * }</pre>
 *
 * <p>Defaults: framing none, policy fail, log interval 10 s, {@link Time#SYSTEM}, a meter registry
 * of its own, no dead-letter output.
 *
 * @param <T> the decoded value type
 */
public final class RecordDecoder<T> {
  private static final Logger DEFAULT_LOG = LoggerFactory.getLogger(RecordDecoder.class);

  private final DeserializationSchema<T> schema;
  private final Framing framing;
  private final BadDataPolicy policy;
  private final String source;
  private final DeadLetterOutput deadLetters;
  private final Time time;
  private final Counter dropped;
  private final Counter deadLettered;
  private final RateLimitedLog warnings;

  private RecordDecoder(Builder<T> builder) {
    this.schema = builder.schema;
    this.framing = builder.framing;
    this.policy = builder.policy;
    this.source = builder.source;
    this.deadLetters = builder.deadLetters;
    this.time = builder.time;
    MetricTags tags = MetricTags.empty().source(source);
    this.dropped =
        Counter.builder(MetricNames.RECORDS_DROPPED)
            .description("Records that failed to deserialize and were dropped")
            .tags(tags)
            .register(builder.metrics);
    this.deadLettered =
        Counter.builder(MetricNames.RECORDS_DEAD_LETTERED)
            .description("Records that failed to deserialize and went to the dead-letter sink")
            .tags(tags)
            .register(builder.metrics);
    this.warnings = new RateLimitedLog(builder.log, time, builder.logInterval);
  }

  /** A builder decoding with {@code schema}. */
  public static <T> Builder<T> builder(DeserializationSchema<T> schema) {
    return new Builder<>(checkNotNull(schema, "schema"));
  }

  /**
   * A decoder as {@link FormatOptions} and {@link BadDataOptions} in {@code config} say, wired to
   * the reader's dead-letter output, metrics and clock.
   *
   * @param source the source's identity, e.g. {@code kinesis:orders}; tags the metrics
   * @throws ConfigException when the options are invalid, or the policy is dead-letter and the
   *     pipeline has no dead-letter sink
   */
  public static RecordDecoder<?> fromConfiguration(
      Configuration config, String source, SourceReaderContext context) {
    return builder(FormatOptions.createFormat(config))
        .configure(config)
        .source(source)
        .context(context)
        .build();
  }

  /** How bad values are handled. */
  public BadDataPolicy policy() {
    return policy;
  }

  /** How many values were dropped so far. */
  public long droppedCount() {
    return (long) dropped.count();
  }

  /** How many values went to the dead-letter output so far. */
  public long deadLetteredCount() {
    return (long) deadLettered.count();
  }

  /**
   * Decodes one raw record, handing each value to {@code out} in order.
   *
   * @param raw the record's bytes as read
   * @param coordinates where it came from; only used when a value is bad
   * @return how many values went to {@code out}
   * @throws BadRecordException when a value is bad and the policy is fail
   */
  public int decode(byte[] raw, RecordCoordinates coordinates, Consumer<? super T> out) {
    checkNotNull(raw, "raw");
    checkNotNull(coordinates, "coordinates");
    checkNotNull(out, "out");
    if (framing == Framing.NONE) {
      return decodeOne(raw, coordinates, 0, out) ? 1 : 0;
    }
    int emitted = 0;
    List<byte[]> lines = framing.split(raw);
    for (int i = 0; i < lines.size(); i++) {
      if (decodeOne(lines.get(i), coordinates, i + 1, out)) {
        emitted++;
      }
    }
    return emitted;
  }

  /**
   * Decodes one raw record into a list; see {@link #decode(byte[], RecordCoordinates, Consumer)}.
   */
  public List<T> decode(byte[] raw, RecordCoordinates coordinates) {
    List<T> values = new ArrayList<>(1);
    decode(raw, coordinates, values::add);
    return values;
  }

  private boolean decodeOne(
      byte[] bytes, RecordCoordinates coordinates, int line, Consumer<? super T> out) {
    T value;
    try {
      value = schema.deserialize(bytes);
      if (value == null) {
        throw new IllegalStateException("the deserializer returned no value");
      }
    } catch (ShardlineException e) {
      // not the record's fault (a schema registry that does not answer, say): no policy applies
      throw e;
    } catch (Exception e) {
      handleBad(
          bytes, line == 0 ? coordinates : coordinates.with("line", Integer.toString(line)), e);
      return false;
    }
    out.accept(value);
    return true;
  }

  private void handleBad(byte[] bytes, RecordCoordinates coordinates, Exception error) {
    String where = coordinates.describe();
    String cause = describe(error);
    switch (policy) {
      case FAIL:
        // the run's last line: the reason in words; the exception (the cause) has the detail
        throw new BadRecordException(
            "Cannot deserialize the record at "
                + where
                + " with "
                + schemaName()
                + ": "
                + reason(error)
                + ". Fix the data or the format options; to skip such records set badData.policy"
                + " to drop or dead-letter",
            coordinates.asMap(),
            error);
      case DROP:
        dropped.increment();
        warnings.warn(
            "Dropped a record that cannot be deserialized at " + where + ": " + cause, null);
        return;
      case DEAD_LETTER:
        deadLetters.send(new DeadLetter(bytes, coordinates.asMap(), cause, time.milliseconds()));
        deadLettered.increment();
        warnings.warn(
            "Sent a record that cannot be deserialized to the dead-letter sink, from "
                + where
                + ": "
                + cause,
            null);
        return;
      default:
        throw new IllegalStateException("Unhandled policy " + policy);
    }
  }

  private String schemaName() {
    return schema instanceof Format<?> f ? "format " + f.name() : schema.getClass().getName();
  }

  /** What the deserializer said, without its exception type or Jackson's source location. */
  private static String reason(Exception error) {
    String message =
        error instanceof JsonProcessingException json
            ? json.getOriginalMessage()
            : error.getMessage();
    return message == null || message.isBlank()
        ? describe(error)
        : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  private static String describe(Exception error) {
    String message = error.getMessage();
    String type =
        error.getClass().getSimpleName().isEmpty()
            ? error.getClass().getName()
            : error.getClass().getSimpleName();
    return message == null ? type : type + ": " + message.replace('\n', ' ');
  }

  @Override
  public String toString() {
    return "RecordDecoder{source="
        + source
        + ", schema="
        + schema
        + ", framing="
        + Values.enumText(framing)
        + ", policy="
        + Values.enumText(policy)
        + "}";
  }

  /**
   * Builds a {@link RecordDecoder}; the defaults are in the class comment. Not thread-safe.
   *
   * @param <T> the decoded value type
   */
  public static final class Builder<T> {
    private final DeserializationSchema<T> schema;
    private Framing framing = Framing.NONE;
    private BadDataPolicy policy = BadDataOptions.POLICY.defaultValue().orElseThrow();
    private Duration logInterval = BadDataOptions.LOG_INTERVAL.defaultValue().orElseThrow();
    private String source;
    private DeadLetterOutput deadLetters;
    private MeterRegistry metrics;
    private Time time = Time.SYSTEM;
    private Logger log = DEFAULT_LOG;

    private Builder(DeserializationSchema<T> schema) {
      this.schema = schema;
    }

    /** Reads framing (from {@link FormatOptions}) and the {@link BadDataOptions}. */
    public Builder<T> configure(Configuration config) {
      checkNotNull(config, "config");
      this.framing = FormatOptions.framing(config);
      this.policy = config.get(BadDataOptions.POLICY);
      this.logInterval = config.get(BadDataOptions.LOG_INTERVAL);
      return this;
    }

    /** How many values one record holds. */
    public Builder<T> framing(Framing framing) {
      this.framing = checkNotNull(framing, "framing");
      return this;
    }

    /** What happens to a value that fails to deserialize. */
    public Builder<T> policy(BadDataPolicy policy) {
      this.policy = checkNotNull(policy, "policy");
      return this;
    }

    /** At most one WARN line per interval about bad values; zero logs each one. */
    public Builder<T> logInterval(Duration logInterval) {
      this.logInterval = BadDataOptions.LOG_INTERVAL.validate(logInterval);
      return this;
    }

    /** The source's identity, e.g. {@code kinesis:orders}: tags the counters. Required. */
    public Builder<T> source(String source) {
      this.source = checkNotNull(source, "source");
      return this;
    }

    /** Dead-letter output, meter registry and clock from the reader's context. */
    public Builder<T> context(SourceReaderContext context) {
      checkNotNull(context, "context");
      return deadLetters(context.deadLetters()).metrics(context.metrics()).time(context.time());
    }

    /** Where dead letters go. */
    public Builder<T> deadLetters(DeadLetterOutput deadLetters) {
      this.deadLetters = checkNotNull(deadLetters, "deadLetters");
      return this;
    }

    /** Where the counters are registered. */
    public Builder<T> metrics(MeterRegistry metrics) {
      this.metrics = checkNotNull(metrics, "metrics");
      return this;
    }

    /** The clock for dead-letter timestamps and log rate limiting. */
    public Builder<T> time(Time time) {
      this.time = checkNotNull(time, "time");
      return this;
    }

    /** Where WARN lines go; by default the logger of {@code RecordDecoder}. */
    public Builder<T> logger(Logger log) {
      this.log = checkNotNull(log, "log");
      return this;
    }

    /**
     * The decoder.
     *
     * @throws ConfigException when the policy is dead-letter and there is no dead-letter output
     *     configured: refused at startup rather than at the first bad record
     */
    public RecordDecoder<T> build() {
      checkState(source != null, "source must be set");
      if (policy == BadDataPolicy.DEAD_LETTER
          && (deadLetters == null || !deadLetters.isConfigured())) {
        throw new ConfigException(
            BadDataOptions.POLICY.key(),
            "dead-letter",
            false,
            "no dead-letter sink is configured; add a dead-letter sink to the pipeline, or set"
                + " badData.policy to fail or drop");
      }
      if (metrics == null) {
        metrics = new SimpleMeterRegistry();
      }
      return new RecordDecoder<>(this);
    }
  }
}
