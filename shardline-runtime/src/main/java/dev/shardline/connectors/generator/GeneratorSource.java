package dev.shardline.connectors.generator;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.Boundedness;
import dev.shardline.api.Source;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.api.function.SerializableLongFunction;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.state.VersionedSerializer;
import java.util.ArrayList;
import java.util.List;

/**
 * A source of deterministic records, for demos, load tests and the runner's own tests: record
 * {@code n} is a function of the sequence number {@code n} alone, so a run can be checked record by
 * record.
 *
 * <ul>
 *   <li>{@link #sequence()}: the numbers {@code 0, 1, 2, ...} as {@code Long}s.
 *   <li>{@link #jsonEvents(int, int)}: JSON text {@code {"seq":n,"key":"key-<n % keys>",
 *       "payload":"..."}} with a payload of the given length.
 *   <li>{@link #builder(String, SerializableLongFunction)}: any record built from {@code n}.
 * </ul>
 *
 * <p>The sequence space is cut into {@code splits} splits (default: the pipeline's parallelism at
 * its first start, fixed from then on); split {@code i} emits {@code i, i + splits, i + 2 * splits,
 * ...} and checkpoints how far it got, so a restore, even at another parallelism, emits every
 * number exactly once. Choose more splits than workers if you intend to scale up later.
 *
 * <p>Options ({@link GeneratorSourceOptions}, which lists the defaults): {@link Builder#count}
 * (default: unbounded), {@link Builder#ratePerSecond} (default: as fast as possible), {@link
 * Builder#splits} (default: the pipeline's parallelism at the first start), {@link
 * Builder#batchSize} (default {@value #DEFAULT_BATCH_SIZE} records per poll). The builder sets
 * these options' values, so a bad one fails with a {@link ConfigException} naming the key; {@link
 * #fromConfiguration} builds the same source from a parsed YAML section.
 *
 * <pre>{@code
 * GeneratorSource<String> events =
 *     GeneratorSource.jsonEvents(16, 100).count(1_000_000).ratePerSecond(10_000).build();
 * // the same from YAML: {kind: json-events, keys: 16, payloadSize: 100, count: 1000000,
 * //                      ratePerSecond: 10000}
 * GeneratorSource<?> fromYaml = GeneratorSource.fromConfiguration(Configuration.fromMap(yaml));
 * }</pre>
 *
 * <p>The rate is a total over all readers, paced with the reader context's {@link
 * dev.shardline.time.Time}. The identity is {@code generator:<kind>}. Immutable and thread-safe.
 *
 * <p>Serializable, so that it can be shipped to Flink: it holds its kind, its option values and its
 * record function, a {@link SerializableLongFunction} (a lambda passed to {@link #builder} is
 * serializable as long as what it captures is).
 *
 * @param <T> the records it emits
 */
public final class GeneratorSource<T>
    implements Source<T, GeneratorSplit, GeneratorEnumeratorState> {
  /** Records per {@code pollNext} unless told otherwise. */
  public static final int DEFAULT_BATCH_SIZE = 256;

  private static final long serialVersionUID = 1L;

  private final String kind;
  private final SerializableLongFunction<T> records;
  private final long count;
  private final double ratePerSecond;
  private final int splits;
  private final int batchSize;

  private GeneratorSource(String kind, SerializableLongFunction<T> records, Configuration config) {
    this.kind = kind;
    this.records = records;
    this.count = config.getOptional(GeneratorSourceOptions.COUNT).orElse(-1L);
    this.ratePerSecond = config.getOptional(GeneratorSourceOptions.RATE_PER_SECOND).orElse(0.0);
    this.splits = config.getOptional(GeneratorSourceOptions.SPLITS).orElse(0);
    this.batchSize = config.get(GeneratorSourceOptions.BATCH_SIZE);
  }

  /** The sequence numbers 0, 1, 2, ... (option {@code kind: sequence}). */
  public static Builder<Long> sequence() {
    return new Builder<>(
        "sequence",
        n -> n,
        Configuration.builder().set(GeneratorSourceOptions.KIND, GeneratorKind.SEQUENCE));
  }

  /**
   * JSON events: {@code {"seq":n,"key":"key-<n % keys>","payload":"<payloadChars letters>"}}, the
   * payload a deterministic function of {@code n}. Options {@code kind: json-events}, {@code keys}
   * and {@code payloadSize}.
   *
   * @param keys how many distinct keys; 1 or more
   * @param payloadChars the payload's length; 0 or more
   * @throws ConfigException when {@code keys} or {@code payloadChars} is out of range
   */
  public static Builder<String> jsonEvents(int keys, int payloadChars) {
    Configuration.Builder options =
        Configuration.builder()
            .set(GeneratorSourceOptions.KIND, GeneratorKind.JSON_EVENTS)
            .set(GeneratorSourceOptions.KEYS, keys)
            // parsed, not set, so that a negative count of characters is a ConfigException too
            .set(
                GeneratorSourceOptions.PAYLOAD_SIZE,
                GeneratorSourceOptions.PAYLOAD_SIZE.parse(payloadChars));
    return new Builder<>("json-events", jsonEventRecords(keys, payloadChars), options);
  }

  /**
   * Records made by {@code records} from each sequence number. Java only: the {@code kind} option
   * names the built-in generators.
   *
   * @param kind names the generator in the source identity ({@code generator:<kind>})
   */
  public static <T> Builder<T> builder(String kind, SerializableLongFunction<T> records) {
    checkNotNull(kind, "kind");
    checkArgument(!kind.isBlank(), "kind cannot be blank");
    return new Builder<>(kind, records, Configuration.builder());
  }

  /**
   * The source that {@code config} describes, e.g. a parsed YAML section {@code {kind: sequence,
   * count: 1000}}: a {@code GeneratorSource<Long>} for {@code kind: sequence}, a {@code
   * GeneratorSource<String>} for {@code json-events}. {@code config} holds only {@link
   * GeneratorSourceOptions} keys.
   *
   * @throws ConfigException naming the key, the value and the fix, for an unknown key (with the
   *     closest declared key), a bad value, a missing {@code kind}, or an option that does not
   *     apply to the kind
   */
  public static GeneratorSource<?> fromConfiguration(Configuration config) {
    Configuration valid = GeneratorSourceOptions.OPTIONS.validate(checkNotNull(config, "config"));
    switch (valid.get(GeneratorSourceOptions.KIND)) {
      case SEQUENCE:
        return new GeneratorSource<Long>("sequence", n -> n, valid);
      case JSON_EVENTS:
        return new GeneratorSource<>(
            "json-events",
            jsonEventRecords(
                valid.get(GeneratorSourceOptions.KEYS),
                (int) valid.get(GeneratorSourceOptions.PAYLOAD_SIZE).bytes()),
            valid);
      default:
        throw new IllegalStateException("Unhandled kind " + valid.get(GeneratorSourceOptions.KIND));
    }
  }

  private static SerializableLongFunction<String> jsonEventRecords(int keys, int payloadChars) {
    StringBuilder letters = new StringBuilder(payloadChars + 26);
    for (int i = 0; i < payloadChars + 26; i++) {
      letters.append((char) ('a' + i % 26));
    }
    String alphabet = letters.toString();
    return n -> {
      int shift = (int) (n % 26);
      return "{\"seq\":"
          + n
          + ",\"key\":\"key-"
          + (n % keys)
          + "\",\"payload\":\""
          + alphabet.substring(shift, shift + payloadChars)
          + "\"}";
    };
  }

  @Override
  public String identity() {
    return "generator:" + kind;
  }

  /** The class of record 0: every record is made by the same function. */
  @Override
  public Class<?> recordClass() {
    T first = records.apply(0);
    return first == null ? Object.class : first.getClass();
  }

  @Override
  public Boundedness boundedness() {
    return count >= 0 ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
  }

  @Override
  public SplitEnumerator<GeneratorSplit, GeneratorEnumeratorState> createEnumerator(
      SplitEnumeratorContext<GeneratorSplit> context) {
    int splitCount = splits > 0 ? splits : context.parallelism();
    List<GeneratorSplit> all = new ArrayList<>(splitCount);
    for (int i = 0; i < splitCount; i++) {
      all.add(new GeneratorSplit(i, splitCount, 0));
    }
    return new GeneratorEnumerator(context, new GeneratorEnumeratorState(splitCount, all));
  }

  @Override
  public SplitEnumerator<GeneratorSplit, GeneratorEnumeratorState> restoreEnumerator(
      SplitEnumeratorContext<GeneratorSplit> context, GeneratorEnumeratorState checkpoint) {
    return new GeneratorEnumerator(context, checkpoint);
  }

  @Override
  public SourceReader<T, GeneratorSplit> createReader(SourceReaderContext context) {
    return new GeneratorReader<>(
        records, count, ratePerSecond, batchSize, context.time(), context.metrics(), identity());
  }

  @Override
  public VersionedSerializer<GeneratorSplit> splitSerializer() {
    return GeneratorSplitSerializer.INSTANCE;
  }

  @Override
  public VersionedSerializer<GeneratorEnumeratorState> enumeratorStateSerializer() {
    return GeneratorEnumeratorStateSerializer.INSTANCE;
  }

  /** The kind and option values, e.g. {@code GeneratorSource{sequence, count=10, ...}}. */
  @Override
  public String toString() {
    return "GeneratorSource{"
        + kind
        + ", count="
        + (count >= 0 ? count : "unbounded")
        + ", ratePerSecond="
        + (ratePerSecond > 0 ? ratePerSecond : "unlimited")
        + ", splits="
        + (splits > 0 ? splits : "parallelism")
        + ", batchSize="
        + batchSize
        + "}";
  }

  /**
   * Options of a {@link GeneratorSource}: each method sets the value of one {@link
   * GeneratorSourceOptions} option, checked at once; defaults there. Not thread-safe.
   *
   * @param <T> the records it emits
   */
  public static final class Builder<T> {
    private final String kind;
    private final SerializableLongFunction<T> records;
    private final Configuration.Builder options;

    private Builder(
        String kind, SerializableLongFunction<T> records, Configuration.Builder options) {
      this.kind = kind;
      this.records = checkNotNull(records, "records");
      this.options = options;
    }

    /**
     * Emits the numbers {@code 0} to {@code count - 1}, then ends; option {@code count}. Default:
     * unbounded.
     *
     * @throws ConfigException when {@code count} is negative
     */
    public Builder<T> count(long count) {
      options.set(GeneratorSourceOptions.COUNT, count);
      return this;
    }

    /**
     * At most this many records per second over all readers; option {@code ratePerSecond}. 0 for no
     * limit (the default), which leaves the option unset.
     *
     * @throws ConfigException when {@code ratePerSecond} is negative or not finite
     */
    public Builder<T> ratePerSecond(double ratePerSecond) {
      if (ratePerSecond == 0) {
        options.remove(GeneratorSourceOptions.RATE_PER_SECOND);
      } else {
        options.set(GeneratorSourceOptions.RATE_PER_SECOND, ratePerSecond);
      }
      return this;
    }

    /**
     * How many splits the sequence space is cut into at the first start; option {@code splits}. 0
     * (the default, which leaves the option unset) for the pipeline's parallelism then. Ignored
     * when restoring: the checkpoint's splits stand.
     *
     * @throws ConfigException when {@code splits} is negative
     */
    public Builder<T> splits(int splits) {
      if (splits == 0) {
        options.remove(GeneratorSourceOptions.SPLITS);
      } else {
        options.set(GeneratorSourceOptions.SPLITS, splits);
      }
      return this;
    }

    /**
     * At most this many records per {@code pollNext}; option {@code batchSize}. Default {@value
     * GeneratorSource#DEFAULT_BATCH_SIZE}.
     *
     * @throws ConfigException when {@code batchSize} is below 1
     */
    public Builder<T> batchSize(int batchSize) {
      options.set(GeneratorSourceOptions.BATCH_SIZE, batchSize);
      return this;
    }

    /**
     * The source.
     *
     * @throws ConfigException when the options break a rule across values
     */
    public GeneratorSource<T> build() {
      return new GeneratorSource<>(
          kind, records, GeneratorSourceOptions.OPTIONS.validate(options.build()));
    }
  }
}
