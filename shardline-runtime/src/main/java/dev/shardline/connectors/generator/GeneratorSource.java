package dev.shardline.connectors.generator;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.Boundedness;
import dev.shardline.api.Source;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.state.VersionedSerializer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A source of deterministic records, for demos, load tests and the runner's own tests: record
 * {@code n} is a function of the sequence number {@code n} alone, so a run can be checked record by
 * record.
 *
 * <ul>
 *   <li>{@link #sequence()}: the numbers {@code 0, 1, 2, ...} as {@code Long}s.
 *   <li>{@link #jsonEvents(int, int)}: JSON text {@code {"seq":n,"key":"key-<n % keys>",
 *       "payload":"..."}} with a payload of the given length.
 *   <li>{@link #builder(String, LongFunction)}: any record built from {@code n}.
 * </ul>
 *
 * <p>The sequence space is cut into {@code splits} splits (default: the pipeline's parallelism at
 * its first start, fixed from then on); split {@code i} emits {@code i, i + splits, i + 2 * splits,
 * ...} and checkpoints how far it got, so a restore, even at another parallelism, emits every
 * number exactly once. Choose more splits than workers if you intend to scale up later.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th></tr>
 *   <tr><td>{@link Builder#count}</td><td>unbounded (runs until stopped)</td></tr>
 *   <tr><td>{@link Builder#ratePerSecond}</td><td>0: as fast as possible</td></tr>
 *   <tr><td>{@link Builder#splits}</td><td>0: the pipeline's parallelism at the first start</td></tr>
 *   <tr><td>{@link Builder#batchSize}</td><td>{@value #DEFAULT_BATCH_SIZE} records per poll</td></tr>
 * </table>
 *
 * <pre>{@code
 * GeneratorSource<String> events =
 *     GeneratorSource.jsonEvents(16, 100).count(1_000_000).ratePerSecond(10_000).build();
 * }</pre>
 *
 * <p>The rate is a total over all readers, paced with the reader context's {@link
 * dev.shardline.time.Time}. The identity is {@code generator:<kind>}. Immutable and thread-safe.
 *
 * @param <T> the records it emits
 */
public final class GeneratorSource<T>
    implements Source<T, GeneratorSplit, GeneratorEnumeratorState> {
  /** Records per {@code pollNext} unless told otherwise. */
  public static final int DEFAULT_BATCH_SIZE = 256;

  private final String kind;
  private final LongFunction<T> records;
  private final long count;
  private final double ratePerSecond;
  private final int splits;
  private final int batchSize;

  private GeneratorSource(Builder<T> builder) {
    this.kind = builder.kind;
    this.records = builder.records;
    this.count = builder.count;
    this.ratePerSecond = builder.ratePerSecond;
    this.splits = builder.splits;
    this.batchSize = builder.batchSize;
  }

  /** The sequence numbers 0, 1, 2, ... */
  public static Builder<Long> sequence() {
    return new Builder<>("sequence", n -> n);
  }

  /**
   * JSON events: {@code {"seq":n,"key":"key-<n % keys>","payload":"<payloadChars letters>"}}, the
   * payload a deterministic function of {@code n}.
   *
   * @param keys how many distinct keys; 1 or more
   * @param payloadChars the payload's length; 0 or more
   */
  public static Builder<String> jsonEvents(int keys, int payloadChars) {
    checkArgument(keys >= 1, "keys must be 1 or more, was " + keys);
    checkArgument(payloadChars >= 0, "payloadChars must be 0 or more, was " + payloadChars);
    StringBuilder letters = new StringBuilder(payloadChars + 26);
    for (int i = 0; i < payloadChars + 26; i++) {
      letters.append((char) ('a' + i % 26));
    }
    String alphabet = letters.toString();
    return new Builder<>(
        "json-events",
        n -> {
          int shift = (int) (n % 26);
          return "{\"seq\":"
              + n
              + ",\"key\":\"key-"
              + (n % keys)
              + "\",\"payload\":\""
              + alphabet.substring(shift, shift + payloadChars)
              + "\"}";
        });
  }

  /**
   * Records made by {@code records} from each sequence number.
   *
   * @param kind names the generator in the source identity ({@code generator:<kind>})
   */
  public static <T> Builder<T> builder(String kind, LongFunction<T> records) {
    return new Builder<>(kind, records);
  }

  @Override
  public String identity() {
    return "generator:" + kind;
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
    return new GeneratorReader<>(records, count, ratePerSecond, batchSize, context.time());
  }

  @Override
  public VersionedSerializer<GeneratorSplit> splitSerializer() {
    return GeneratorSplitSerializer.INSTANCE;
  }

  @Override
  public VersionedSerializer<GeneratorEnumeratorState> enumeratorStateSerializer() {
    return GeneratorEnumeratorStateSerializer.INSTANCE;
  }

  /**
   * Options of a {@link GeneratorSource}; defaults in its class comment. Not thread-safe.
   *
   * @param <T> the records it emits
   */
  public static final class Builder<T> {
    private final String kind;
    private final LongFunction<T> records;
    private long count = -1;
    private double ratePerSecond;
    private int splits;
    private int batchSize = DEFAULT_BATCH_SIZE;

    private Builder(String kind, LongFunction<T> records) {
      checkNotNull(kind, "kind");
      checkArgument(!kind.isBlank(), "kind cannot be blank");
      this.kind = kind;
      this.records = checkNotNull(records, "records");
    }

    /** Emits the numbers {@code 0} to {@code count - 1}, then ends. Default: unbounded. */
    public Builder<T> count(long count) {
      checkArgument(count >= 0, "count must be 0 or more, was " + count);
      this.count = count;
      return this;
    }

    /** At most this many records per second over all readers; 0 for no limit (the default). */
    public Builder<T> ratePerSecond(double ratePerSecond) {
      checkArgument(
          ratePerSecond >= 0 && Double.isFinite(ratePerSecond),
          "ratePerSecond must be 0 (no limit) or more, was " + ratePerSecond);
      this.ratePerSecond = ratePerSecond;
      return this;
    }

    /**
     * How many splits the sequence space is cut into at the first start; 0 (the default) for the
     * pipeline's parallelism then. Ignored when restoring: the checkpoint's splits stand.
     */
    public Builder<T> splits(int splits) {
      checkArgument(splits >= 0, "splits must be 0 (the parallelism) or more, was " + splits);
      this.splits = splits;
      return this;
    }

    /**
     * At most this many records per {@code pollNext}. Default {@value
     * GeneratorSource#DEFAULT_BATCH_SIZE}.
     */
    public Builder<T> batchSize(int batchSize) {
      checkArgument(batchSize >= 1, "batchSize must be 1 or more, was " + batchSize);
      this.batchSize = batchSize;
      return this;
    }

    public GeneratorSource<T> build() {
      return new GeneratorSource<>(this);
    }
  }
}
