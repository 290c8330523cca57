package dev.shardline.flink;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.Sink;
import dev.shardline.api.SourceSplit;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.flink.internal.DeadLetterWriter;
import dev.shardline.flink.internal.FlinkMetrics;
import dev.shardline.flink.internal.VersionedSerializerAdapter;
import dev.shardline.flink.source.internal.FlinkSplit;
import dev.shardline.flink.source.internal.Seed;
import dev.shardline.flink.source.internal.SourceAdapters;
import dev.shardline.runtime.checkpoint.Checkpoint;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.runtime.checkpoint.StateBlob;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Any Shardline source ({@code KinesisSource}, {@code KafkaSource}, the generator, ...) as a Flink
 * 2.x {@link Source} (FLIP-27). It wraps the connector's own enumerator, readers and serializers,
 * so the connector reads, paces, orders and checkpoints exactly as on the embedded runner, and a
 * split's state in a Flink checkpoint or savepoint is the same bytes (and version) as in an
 * embedded checkpoint.
 *
 * <pre>{@code
 * StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.enableCheckpointing(10_000);
 * KinesisSource<byte[]> kinesis = KinesisSource.builder().stream("orders").build();
 * env.fromSource(FlinkSource.of(kinesis), WatermarkStrategy.noWatermarks(), "orders")
 *     .uid("orders-source")
 *     .map(record -> new String(record.value(), StandardCharsets.UTF_8))
 *     .sinkTo(FlinkSink.<String>of(FileSink.lines(Path.of("out")).build()));
 * env.execute("orders");
 * }</pre>
 *
 * <p>Taking over from an embedded pipeline: {@link #startingFromCheckpoint(Path)} seeds a job that
 * starts without Flink state with the newest checkpoint of an embedded pipeline's checkpoint
 * directory, so the job reads exactly what the embedded pipeline had not read (stop the embedded
 * pipeline gracefully first, so its sinks committed everything; see the module README's runbook).
 * Once the job has a Flink checkpoint, it restores from that instead.
 *
 * <p>Immutable and serializable (Flink ships it to the cluster); the connector's clients and
 * threads are made in the readers and enumerator, on the cluster.
 *
 * @param <T> the records it emits
 * @param <S> the connector's split type
 * @param <E> the connector's enumerator state
 */
public final class FlinkSource<T, S extends SourceSplit, E>
    implements Source<T, FlinkSplit<S>, E>, ResultTypeQueryable<T> {
  private static final long serialVersionUID = 1L;

  private final dev.shardline.api.Source<T, S, E> source;
  private final Seed seed;
  private final Sink<DeadLetter> deadLetterSink;
  private final String pipelineName;
  private final TypeInformation<T> producedType;

  private FlinkSource(
      dev.shardline.api.Source<T, S, E> source,
      Seed seed,
      Sink<DeadLetter> deadLetterSink,
      String pipelineName,
      TypeInformation<T> producedType) {
    this.source = source;
    this.seed = seed;
    this.deadLetterSink = deadLetterSink;
    this.pipelineName = pipelineName;
    this.producedType = producedType;
  }

  /**
   * {@code source} as a Flink source.
   *
   * @throws dev.shardline.config.ConfigException when the source cannot be serialized (a function
   *     it holds is not serializable), naming the field and what to fix
   */
  public static <T, S extends SourceSplit, E> FlinkSource<T, S, E> of(
      dev.shardline.api.Source<T, S, E> source) {
    checkNotNull(source, "source");
    FlinkJobChecks.requireSerializable(source, "source '" + source.identity() + "'");
    return new FlinkSource<>(source, null, null, null, typeOf(source.recordClass()));
  }

  /** Flink's type for the source's record class: a basic type where Flink has one, else generic. */
  @SuppressWarnings("unchecked")
  static <T> TypeInformation<T> typeOf(Class<?> recordClass) {
    if (recordClass == byte[].class) {
      return (TypeInformation<T>) PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
    }
    TypeInformation<?> basic = BasicTypeInfo.getInfoFor(recordClass);
    return (TypeInformation<T>) (basic != null ? basic : new GenericTypeInfo<>(recordClass));
  }

  /**
   * The type of the records, for Flink's serializers between operators. Default: from the source's
   * {@code recordClass()}: Flink's own type for strings, numbers and byte arrays, else a generic
   * type (Flink's Kryo serializer), which handles any record. Give a {@code TypeInformation} when
   * records cross the network often and a faster serializer exists.
   */
  public FlinkSource<T, S, E> producedType(TypeInformation<T> type) {
    checkNotNull(type, "type");
    return new FlinkSource<>(source, seed, deadLetterSink, pipelineName, type);
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return producedType;
  }

  /**
   * Where records go that the source's bad-data policy dead-letters (none by default: a {@code
   * dead-letter} policy then fails the record, naming this method). The sink's writer in each
   * reader is flushed before the reader's positions are snapshot, as on the embedded runner. It
   * writes them at least once: a two-phase sink (file, Kafka exactly-once) commits at each flush,
   * so a record read again after a failure may be dead-lettered again.
   */
  public FlinkSource<T, S, E> deadLetterTo(Sink<DeadLetter> sink) {
    checkNotNull(sink, "sink");
    FlinkJobChecks.requireSerializable(sink, "dead-letter sink");
    return new FlinkSource<>(source, seed, sink, pipelineName, producedType);
  }

  /**
   * The name the dead-letter sink's writers see as {@code SinkContext.pipelineName()} (durable
   * names such as transactional ids are made from it). Default: the source's {@code identity()}.
   */
  public FlinkSource<T, S, E> pipelineName(String name) {
    checkNotNull(name, "name");
    return new FlinkSource<>(source, seed, deadLetterSink, name, producedType);
  }

  /**
   * Starts the job from the newest readable checkpoint in an embedded pipeline's checkpoint
   * directory, when the job has no Flink state of its own. The checkpoint is read here, when the
   * job is built: a directory without a checkpoint, or a checkpoint written by another source
   * ({@code identity()}), is refused at once.
   *
   * @throws UnrecoverableException when the directory holds no readable checkpoint of this source
   */
  public FlinkSource<T, S, E> startingFromCheckpoint(Path checkpointDirectory) {
    checkNotNull(checkpointDirectory, "checkpointDirectory");
    if (!Files.isDirectory(checkpointDirectory)) {
      throw new UnrecoverableException(
          "Cannot start from the embedded checkpoints in "
              + checkpointDirectory
              + ": no such directory. Give the checkpoint.directory of the embedded pipeline.");
    }
    Checkpoint checkpoint;
    try (CheckpointStore store = CheckpointStore.directory(checkpointDirectory)) {
      Optional<Checkpoint> latest = store.latest();
      if (latest.isEmpty()) {
        throw new UnrecoverableException(
            "Cannot start from the embedded checkpoints in "
                + checkpointDirectory
                + ": it holds no readable checkpoint. Stop the embedded pipeline gracefully"
                + " (it writes a final checkpoint), or start without startingFromCheckpoint.");
      }
      checkpoint = latest.get();
    } catch (IOException e) {
      throw new UnrecoverableException(
          "Cannot read the embedded checkpoints in " + checkpointDirectory + ": " + e.getMessage(),
          e);
    }
    if (!checkpoint.sourceIdentity().equals(source.identity())) {
      throw new UnrecoverableException(
          "Checkpoint "
              + checkpoint.id()
              + " in "
              + checkpointDirectory
              + " was written by source '"
              + checkpoint.sourceIdentity()
              + "', but this job reads from source '"
              + source.identity()
              + "': its offsets mean nothing to this source.");
    }
    Seed seed = toSeed(checkpoint, checkpointDirectory);
    try {
      // read it once here, so bytes this source cannot read fail the build, not the cluster
      seed.enumeratorState(source.enumeratorStateSerializer());
      seed.splits(source.splitSerializer());
    } catch (IOException e) {
      throw new UnrecoverableException(
          "Cannot read "
              + seed.description()
              + " with this source's serializers: "
              + e.getMessage(),
          e);
    }
    return new FlinkSource<>(source, seed, deadLetterSink, pipelineName, producedType);
  }

  private static Seed toSeed(Checkpoint checkpoint, Path directory) {
    List<List<Seed.Blob>> readers = new ArrayList<>();
    for (List<StateBlob> splits : checkpoint.readerSplits()) {
      List<Seed.Blob> blobs = new ArrayList<>();
      for (StateBlob blob : splits) {
        blobs.add(new Seed.Blob(blob.version(), blob.bytes()));
      }
      readers.add(blobs);
    }
    StateBlob enumerator = checkpoint.enumeratorState();
    return new Seed(
        "checkpoint " + checkpoint.id() + " in " + directory,
        new Seed.Blob(enumerator.version(), enumerator.bytes()),
        readers);
  }

  /** The connector's source this wraps. */
  public dev.shardline.api.Source<T, S, E> source() {
    return source;
  }

  /** Where the job starts when it has no Flink state, for messages: a checkpoint, or empty. */
  public Optional<String> seedDescription() {
    return Optional.ofNullable(seed).map(Seed::description);
  }

  @Override
  public Boundedness getBoundedness() {
    return switch (source.boundedness()) {
      case BOUNDED -> Boundedness.BOUNDED;
      case CONTINUOUS_UNBOUNDED -> Boundedness.CONTINUOUS_UNBOUNDED;
    };
  }

  @Override
  public SplitEnumerator<FlinkSplit<S>, E> createEnumerator(
      SplitEnumeratorContext<FlinkSplit<S>> context) throws Exception {
    if (seed == null) {
      return SourceAdapters.enumerator(source, context, null, null);
    }
    E state = seed.enumeratorState(source.enumeratorStateSerializer());
    return SourceAdapters.enumerator(source, context, state, seed.splits(source.splitSerializer()));
  }

  @Override
  public SplitEnumerator<FlinkSplit<S>, E> restoreEnumerator(
      SplitEnumeratorContext<FlinkSplit<S>> context, E checkpoint) {
    return SourceAdapters.enumerator(source, context, checkpoint, null);
  }

  @Override
  public SourceReader<T, FlinkSplit<S>> createReader(SourceReaderContext context) {
    // one registry for the reader and its dead-letter writer: both expose into one metric group
    MeterRegistry metrics = FlinkMetrics.registry(context.metricGroup());
    DeadLetterWriter deadLetters =
        DeadLetterWriter.create(
            deadLetterSink,
            context.getIndexOfSubtask(),
            context.currentParallelism(),
            pipelineName != null
                ? pipelineName
                : source.identity().replaceAll("[^A-Za-z0-9._-]", "-"),
            metrics);
    return SourceAdapters.reader(source, context, deadLetters, metrics);
  }

  @Override
  public SimpleVersionedSerializer<FlinkSplit<S>> getSplitSerializer() {
    return VersionedSerializerAdapter.wrapping(
        source.splitSerializer(), FlinkSplit::split, FlinkSplit::new);
  }

  @Override
  public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
    return VersionedSerializerAdapter.of(source.enumeratorStateSerializer());
  }

  @Override
  public String toString() {
    return "FlinkSource{" + source.identity() + "}";
  }
}
