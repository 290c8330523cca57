package dev.shardline.runtime;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.Sink;
import dev.shardline.api.Source;
import dev.shardline.runtime.internal.RecordOp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A source followed by a chain of record functions, not yet connected to a sink: what {@link
 * Pipeline#from} returns. Each function runs on the worker thread that read the record, right after
 * the reader emits it; there are no shuffles. Immutable: every method returns a new flow.
 *
 * <pre>{@code
 * Pipeline pipeline = Pipeline.from(GeneratorSource.sequence().count(1000).build())
 *     .filter(n -> n % 2 == 0)
 *     .map(n -> "even " + n)
 *     .flatMap(line -> List.of(line, line.toUpperCase()))
 *     .to(StdoutSink.create())
 *     .build();
 * }</pre>
 *
 * <p>Functions are shared by all workers, so they must be thread-safe (stateless lambdas are). A
 * function that throws fails the worker, and the pipeline restarts from its last checkpoint.
 *
 * @param <T> the records at this point of the chain
 */
public final class Flow<T> {
  private final Source<?, ?, ?> source;
  private final List<RecordOp> ops;

  Flow(Source<?, ?, ?> source, List<RecordOp> ops) {
    this.source = source;
    this.ops = List.copyOf(ops);
  }

  /** Replaces each record by {@code function(record)}. */
  @SuppressWarnings("unchecked")
  public <R> Flow<R> map(Function<? super T, ? extends R> function) {
    checkNotNull(function, "function");
    return with(new RecordOp.Map((Function<Object, Object>) function));
  }

  /** Keeps the records for which {@code predicate} holds. */
  @SuppressWarnings("unchecked")
  public Flow<T> filter(Predicate<? super T> predicate) {
    checkNotNull(predicate, "predicate");
    return with(new RecordOp.Filter((Predicate<Object>) predicate));
  }

  /** Replaces each record by the records {@code function} returns (none, one or many, in order). */
  @SuppressWarnings("unchecked")
  public <R> Flow<R> flatMap(Function<? super T, ? extends Iterable<? extends R>> function) {
    checkNotNull(function, "function");
    return with(new RecordOp.FlatMap((Function<Object, ? extends Iterable<?>>) function));
  }

  /**
   * Sends every record to {@code sink}; add more sinks with {@link PipelineBuilder#to}. Returns the
   * builder for the pipeline's settings.
   */
  public PipelineBuilder<T> to(Sink<? super T> sink) {
    return new PipelineBuilder<T>(source, ops).to(sink);
  }

  private <R> Flow<R> with(RecordOp op) {
    List<RecordOp> next = new ArrayList<>(ops);
    next.add(op);
    return new Flow<>(source, next);
  }
}
