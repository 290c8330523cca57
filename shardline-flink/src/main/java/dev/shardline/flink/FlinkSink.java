package dev.shardline.flink;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.StatefulSink;
import dev.shardline.api.TransactionalSink;
import dev.shardline.flink.internal.DeadLetterWriter;
import dev.shardline.flink.internal.FlinkMailbox;
import dev.shardline.flink.internal.FlinkMetrics;
import dev.shardline.flink.internal.FlinkTimers;
import dev.shardline.flink.internal.SinkContextAdapter;
import dev.shardline.flink.internal.VersionedSerializerAdapter;
import dev.shardline.flink.sink.internal.CommitterAdapter;
import dev.shardline.flink.sink.internal.WriterAdapter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.InitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Any Shardline sink ({@code KinesisSink}, {@code KafkaSink} at-least-once or exactly-once, the
 * file and stdout sinks, ...) as a Flink 2.x Sink V2. The result implements {@link
 * SupportsWriterState} when the connector's sink is a {@code StatefulSink}, and {@link
 * SupportsCommitter} when it is a {@code TransactionalSink} (two-phase commit: Flink commits after
 * the checkpoint completed, as the embedded runner does). The writer state and committables are
 * stored with the connector's own serializers, as on the embedded runner.
 *
 * <pre>{@code
 * stream.sinkTo(FlinkSink.<String>of(kafkaSink).pipelineName("orders-to-kafka")).uid("kafka-sink");
 * }</pre>
 *
 * <p>Names that must survive restarts (a Kafka transactional id, a file part's name) are made from
 * {@link #pipelineName} and {@link #sinkId}: give both explicitly for an exactly-once sink, and
 * keep them when the job is resubmitted. Immutable and serializable.
 *
 * @param <T> the records it accepts
 */
public abstract class FlinkSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;

  /** The sink id writers see when none is given. */
  public static final String DEFAULT_SINK_ID = "sink-0";

  final dev.shardline.api.Sink<T> sink;
  final String pipelineName;
  final String sinkId;
  final dev.shardline.api.Sink<DeadLetter> deadLetterSink;

  FlinkSink(
      dev.shardline.api.Sink<T> sink,
      String pipelineName,
      String sinkId,
      dev.shardline.api.Sink<DeadLetter> deadLetterSink) {
    this.sink = sink;
    this.pipelineName = pipelineName;
    this.sinkId = sinkId;
    this.deadLetterSink = deadLetterSink;
  }

  /**
   * {@code sink} as a Flink sink.
   *
   * @throws dev.shardline.config.ConfigException when the sink cannot be serialized (a function it
   *     holds is not serializable), naming what to fix
   */
  @SuppressWarnings("unchecked")
  public static <T> FlinkSink<T> of(dev.shardline.api.Sink<? super T> sink) {
    checkNotNull(sink, "sink");
    FlinkJobChecks.requireSerializable(sink, "sink " + sink.getClass().getSimpleName());
    // a sink of a supertype takes every T: writers only ever consume records
    return variant((dev.shardline.api.Sink<T>) sink, null, DEFAULT_SINK_ID, null);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T> FlinkSink<T> variant(
      dev.shardline.api.Sink<T> sink,
      String pipelineName,
      String sinkId,
      dev.shardline.api.Sink<DeadLetter> deadLetters) {
    boolean stateful = sink instanceof StatefulSink;
    boolean transactional = sink instanceof TransactionalSink;
    if (stateful && transactional) {
      return new StatefulCommitting(sink, pipelineName, sinkId, deadLetters);
    } else if (stateful) {
      return new Stateful(sink, pipelineName, sinkId, deadLetters);
    } else if (transactional) {
      return new Committing(sink, pipelineName, sinkId, deadLetters);
    }
    return new Plain<>(sink, pipelineName, sinkId, deadLetters);
  }

  /**
   * The name writers and committers see as {@code SinkContext.pipelineName()}. Default: the Flink
   * job's name (letters, digits, {@code .}, {@code _} and {@code -}; others become {@code -}).
   */
  public FlinkSink<T> pipelineName(String name) {
    checkNotNull(name, "name");
    checkArgument(!name.isBlank(), "name cannot be blank");
    return variant(sink, name, sinkId, deadLetterSink);
  }

  /**
   * The id writers and committers see as {@code SinkContext.sinkId()}: give two sinks of one job
   * that write to one place (a directory, a Kafka cluster with transactions) different ids.
   * Default: {@value #DEFAULT_SINK_ID}.
   */
  public FlinkSink<T> sinkId(String id) {
    checkNotNull(id, "id");
    checkArgument(
        id.matches("[A-Za-z0-9-]+"),
        "sinkId must be letters, digits and '-' only, was '" + id + "'");
    return variant(sink, pipelineName, id, deadLetterSink);
  }

  /**
   * Where records go that the sink dead-letters (e.g. over the size limit, with an invalid-record
   * policy of {@code dead-letter}). None by default. Dead letters are written at least once: a
   * two-phase sink (file, Kafka exactly-once) commits at each checkpoint's flush.
   */
  public FlinkSink<T> deadLetterTo(dev.shardline.api.Sink<DeadLetter> deadLetters) {
    checkNotNull(deadLetters, "deadLetters");
    FlinkJobChecks.requireSerializable(deadLetters, "dead-letter sink");
    return variant(sink, pipelineName, sinkId, deadLetters);
  }

  /** The connector's sink this wraps. */
  public dev.shardline.api.Sink<T> sink() {
    return sink;
  }

  @Override
  public org.apache.flink.api.connector.sink2.SinkWriter<T> createWriter(WriterInitContext context)
      throws IOException {
    return writer(context, null);
  }

  WriterAdapter<T, Object, Object> writer(WriterInitContext context, Collection<?> states)
      throws IOException {
    MeterRegistry metrics = FlinkMetrics.registry(context.metricGroup());
    String pipeline = pipelineName(context);
    int index = context.getTaskInfo().getIndexOfThisSubtask();
    int parallelism = context.getTaskInfo().getNumberOfParallelSubtasks();
    DeadLetterWriter deadLetters =
        DeadLetterWriter.create(deadLetterSink, index, parallelism, pipeline, metrics);
    FlinkTimers timers = new FlinkTimers(context.getProcessingTimeService());
    FlinkMailbox mailbox = new FlinkMailbox(context.getMailboxExecutor());
    SinkContext sinkContext =
        new SinkContextAdapter(
            index,
            parallelism,
            pipeline,
            sinkId,
            deadLetters.output(),
            metrics,
            timers,
            mailbox,
            context.getRestoredCheckpointId(),
            0);
    try {
      SinkWriter<T> writer =
          states == null ? sink.createWriter(sinkContext) : restore(sinkContext, states);
      return new WriterAdapter<>(writer, timers, mailbox, deadLetters);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private SinkWriter<T> restore(SinkContext context, Collection<?> states) throws Exception {
    return ((StatefulSink<T, Object>) sink)
        .restoreWriter(context, List.copyOf((Collection<Object>) states));
  }

  Committer<Object> committer(CommitterInitContext context) throws IOException {
    SinkContext sinkContext =
        new SinkContextAdapter(
            context.getTaskInfo().getIndexOfThisSubtask(),
            context.getTaskInfo().getNumberOfParallelSubtasks(),
            pipelineName(context),
            sinkId,
            DeadLetterWriter.notConfigured(),
            FlinkMetrics.registry(context.metricGroup()),
            null,
            null,
            context.getRestoredCheckpointId(),
            0);
    try {
      @SuppressWarnings("unchecked")
      TransactionalSink<T, Object> transactional = (TransactionalSink<T, Object>) sink;
      return new CommitterAdapter<>(transactional.createCommitter(sinkContext));
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private String pipelineName(InitContext context) {
    if (pipelineName != null) {
      return pipelineName;
    }
    return context.getJobInfo().getJobName().replaceAll("[^A-Za-z0-9._-]", "-");
  }

  @SuppressWarnings("unchecked")
  SimpleVersionedSerializer<Object> writerStateSerializer() {
    return VersionedSerializerAdapter.of(((StatefulSink<T, Object>) sink).writerStateSerializer());
  }

  @SuppressWarnings("unchecked")
  SimpleVersionedSerializer<Object> committableSerializer() {
    return VersionedSerializerAdapter.of(
        ((TransactionalSink<T, Object>) sink).committableSerializer());
  }

  @Override
  public String toString() {
    return "FlinkSink{" + sink.getClass().getSimpleName() + ", sinkId=" + sinkId + "}";
  }

  private static final class Plain<T> extends FlinkSink<T> {
    private static final long serialVersionUID = 1L;

    Plain(
        dev.shardline.api.Sink<T> sink,
        String pipelineName,
        String sinkId,
        dev.shardline.api.Sink<DeadLetter> deadLetters) {
      super(sink, pipelineName, sinkId, deadLetters);
    }
  }

  private static final class Stateful<T> extends FlinkSink<T>
      implements SupportsWriterState<T, Object> {
    private static final long serialVersionUID = 1L;

    Stateful(
        dev.shardline.api.Sink<T> sink,
        String pipelineName,
        String sinkId,
        dev.shardline.api.Sink<DeadLetter> deadLetters) {
      super(sink, pipelineName, sinkId, deadLetters);
    }

    @Override
    public StatefulSinkWriter<T, Object> restoreWriter(
        WriterInitContext context, Collection<Object> recoveredState) throws IOException {
      return writer(context, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<Object> getWriterStateSerializer() {
      return writerStateSerializer();
    }
  }

  private static final class Committing<T> extends FlinkSink<T>
      implements SupportsCommitter<Object> {
    private static final long serialVersionUID = 1L;

    Committing(
        dev.shardline.api.Sink<T> sink,
        String pipelineName,
        String sinkId,
        dev.shardline.api.Sink<DeadLetter> deadLetters) {
      super(sink, pipelineName, sinkId, deadLetters);
    }

    @Override
    public Committer<Object> createCommitter(CommitterInitContext context) throws IOException {
      return committer(context);
    }

    @Override
    public SimpleVersionedSerializer<Object> getCommittableSerializer() {
      return committableSerializer();
    }
  }

  private static final class StatefulCommitting<T> extends FlinkSink<T>
      implements SupportsWriterState<T, Object>, SupportsCommitter<Object> {
    private static final long serialVersionUID = 1L;

    StatefulCommitting(
        dev.shardline.api.Sink<T> sink,
        String pipelineName,
        String sinkId,
        dev.shardline.api.Sink<DeadLetter> deadLetters) {
      super(sink, pipelineName, sinkId, deadLetters);
    }

    @Override
    public StatefulSinkWriter<T, Object> restoreWriter(
        WriterInitContext context, Collection<Object> recoveredState) throws IOException {
      return writer(context, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<Object> getWriterStateSerializer() {
      return writerStateSerializer();
    }

    @Override
    public Committer<Object> createCommitter(CommitterInitContext context) throws IOException {
      return committer(context);
    }

    @Override
    public SimpleVersionedSerializer<Object> getCommittableSerializer() {
      return committableSerializer();
    }
  }
}
