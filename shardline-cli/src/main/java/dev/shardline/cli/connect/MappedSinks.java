package dev.shardline.cli.connect;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.Committer;
import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.StatefulSink;
import dev.shardline.api.StatefulSinkWriter;
import dev.shardline.api.TransactionalSink;
import dev.shardline.api.function.SerializableFunction;
import dev.shardline.state.VersionedSerializer;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Puts a conversion in front of a sink: the pipeline hands a {@link PipelineRecord} and the
 * connector gets what it writes (a value, a dead letter's JSON). The wrapper keeps the sink's kind
 * (plain, {@link StatefulSink}, {@link TransactionalSink}, or both), so the runner checkpoints and
 * commits it exactly as it would the sink itself. Stateless, thread-safe; serializable, as the sink
 * and the conversion (a {@link SerializableFunction}) are.
 */
public final class MappedSinks {
  private MappedSinks() {}

  /** {@code sink}, fed with {@code conversion} of each record. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static <R, T> Sink<R> map(
      Sink<T> sink, SerializableFunction<? super R, ? extends T> conversion) {
    checkNotNull(sink, "sink");
    checkNotNull(conversion, "conversion");
    boolean stateful = sink instanceof StatefulSink;
    boolean transactional = sink instanceof TransactionalSink;
    if (stateful && transactional) {
      return new StatefulTransactional(sink, conversion);
    }
    if (stateful) {
      return new Stateful<>((StatefulSink) sink, conversion);
    }
    if (transactional) {
      return new Transactional<>((TransactionalSink) sink, conversion);
    }
    return new Plain<>(sink, conversion);
  }

  private static class Plain<R, T> implements Sink<R> {
    final Sink<T> sink;
    final SerializableFunction<? super R, ? extends T> conversion;

    Plain(Sink<T> sink, SerializableFunction<? super R, ? extends T> conversion) {
      this.sink = sink;
      this.conversion = conversion;
    }

    @Override
    public SinkWriter<R> createWriter(SinkContext context) throws Exception {
      return new Writer<>(sink.createWriter(context), conversion);
    }

    @Override
    public String toString() {
      return sink.toString();
    }
  }

  private static final class Stateful<R, T, W> extends Plain<R, T> implements StatefulSink<R, W> {
    private final StatefulSink<T, W> stateful;

    Stateful(StatefulSink<T, W> sink, SerializableFunction<? super R, ? extends T> conversion) {
      super(sink, conversion);
      this.stateful = sink;
    }

    @Override
    public StatefulSinkWriter<R, W> createWriter(SinkContext context) throws Exception {
      return new StatefulWriter<>(stateful.createWriter(context), conversion);
    }

    @Override
    public StatefulSinkWriter<R, W> restoreWriter(SinkContext context, List<W> states)
        throws Exception {
      return new StatefulWriter<>(stateful.restoreWriter(context, states), conversion);
    }

    @Override
    public VersionedSerializer<W> writerStateSerializer() {
      return stateful.writerStateSerializer();
    }
  }

  private static final class Transactional<R, T, C> extends Plain<R, T>
      implements TransactionalSink<R, C> {
    private final TransactionalSink<T, C> transactional;

    Transactional(
        TransactionalSink<T, C> sink, SerializableFunction<? super R, ? extends T> conversion) {
      super(sink, conversion);
      this.transactional = sink;
    }

    @Override
    public CommittingSinkWriter<R, C> createWriter(SinkContext context) throws Exception {
      return new CommittingWriter<>(transactional.createWriter(context), conversion);
    }

    @Override
    public Committer<C> createCommitter(SinkContext context) throws Exception {
      return transactional.createCommitter(context);
    }

    @Override
    public VersionedSerializer<C> committableSerializer() {
      return transactional.committableSerializer();
    }
  }

  /** A sink that is both: its writers are both, too. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final class StatefulTransactional extends Plain
      implements StatefulSink, TransactionalSink {
    StatefulTransactional(Sink sink, SerializableFunction conversion) {
      super(sink, conversion);
    }

    @Override
    public BothWriter createWriter(SinkContext context) throws Exception {
      return new BothWriter(sink.createWriter(context), conversion);
    }

    @Override
    public StatefulSinkWriter restoreWriter(SinkContext context, List states) throws Exception {
      return new BothWriter(((StatefulSink) sink).restoreWriter(context, states), conversion);
    }

    @Override
    public VersionedSerializer writerStateSerializer() {
      return ((StatefulSink) sink).writerStateSerializer();
    }

    @Override
    public Committer createCommitter(SinkContext context) throws Exception {
      return ((TransactionalSink) sink).createCommitter(context);
    }

    @Override
    public VersionedSerializer committableSerializer() {
      return ((TransactionalSink) sink).committableSerializer();
    }
  }

  private static class Writer<R, T> implements SinkWriter<R> {
    final SinkWriter<T> writer;
    private final Function<? super R, ? extends T> conversion;

    Writer(SinkWriter<T> writer, Function<? super R, ? extends T> conversion) {
      this.writer = writer;
      this.conversion = conversion;
    }

    @Override
    public void write(R record) throws Exception {
      writer.write(conversion.apply(record));
    }

    @Override
    public void flush() throws Exception {
      writer.flush();
    }

    @Override
    public void close() throws Exception {
      writer.close();
    }
  }

  private static final class StatefulWriter<R, T, W> extends Writer<R, T>
      implements StatefulSinkWriter<R, W> {
    StatefulWriter(StatefulSinkWriter<T, W> writer, Function<? super R, ? extends T> conversion) {
      super(writer, conversion);
    }

    @Override
    public List<W> snapshotState(long checkpointId) throws Exception {
      return ((StatefulSinkWriter<T, W>) writer).snapshotState(checkpointId);
    }
  }

  private static final class CommittingWriter<R, T, C> extends Writer<R, T>
      implements CommittingSinkWriter<R, C> {
    CommittingWriter(
        CommittingSinkWriter<T, C> writer, Function<? super R, ? extends T> conversion) {
      super(writer, conversion);
    }

    @Override
    public Collection<C> prepareCommit() throws Exception {
      return ((CommittingSinkWriter<T, C>) writer).prepareCommit();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final class BothWriter extends Writer
      implements StatefulSinkWriter, CommittingSinkWriter {
    BothWriter(SinkWriter writer, Function conversion) {
      super(writer, conversion);
    }

    @Override
    public List snapshotState(long checkpointId) throws Exception {
      return ((StatefulSinkWriter) writer).snapshotState(checkpointId);
    }

    @Override
    public Collection prepareCommit() throws Exception {
      return ((CommittingSinkWriter) writer).prepareCommit();
    }
  }
}
