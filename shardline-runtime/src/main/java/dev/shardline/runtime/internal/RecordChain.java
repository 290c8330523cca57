package dev.shardline.runtime.internal;

import java.util.List;

/**
 * A worker's compiled function chain: each step calls the next directly, so a record goes from the
 * reader to the sink writers on the worker's thread with no queue in between. Not thread-safe; one
 * per worker.
 */
public final class RecordChain {
  /** Where a step hands its results. */
  @FunctionalInterface
  public interface Downstream {
    void accept(Object record) throws Exception;
  }

  private RecordChain() {}

  /** Builds the chain of {@code ops} ending in {@code terminal}. */
  public static Downstream compile(List<RecordOp> ops, Downstream terminal) {
    Downstream next = terminal;
    for (int i = ops.size() - 1; i >= 0; i--) {
      next = step(ops.get(i), next);
    }
    return next;
  }

  private static Downstream step(RecordOp op, Downstream next) {
    if (op instanceof RecordOp.Map map) {
      var function = map.function();
      return record -> next.accept(function.apply(record));
    }
    if (op instanceof RecordOp.Filter filter) {
      var predicate = filter.predicate();
      return record -> {
        if (predicate.test(record)) {
          next.accept(record);
        }
      };
    }
    var function = ((RecordOp.FlatMap) op).function();
    return record -> {
      Iterable<?> results = function.apply(record);
      if (results != null) {
        for (Object result : results) {
          next.accept(result);
        }
      }
    };
  }
}
