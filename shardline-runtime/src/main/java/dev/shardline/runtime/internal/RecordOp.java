package dev.shardline.runtime.internal;

import java.util.function.Function;
import java.util.function.Predicate;

/** One step of a pipeline's record function chain, as the user declared it. */
public sealed interface RecordOp {

  /** {@code Flow.map}. */
  record Map(Function<Object, Object> function) implements RecordOp {}

  /** {@code Flow.filter}. */
  record Filter(Predicate<Object> predicate) implements RecordOp {}

  /** {@code Flow.flatMap}. */
  record FlatMap(Function<Object, ? extends Iterable<?>> function) implements RecordOp {}
}
