package dev.shardline.cli.transform;

import dev.shardline.api.function.SerializableFunction;
import dev.shardline.cli.connect.PipelineRecord;
import dev.shardline.runtime.Flow;
import java.io.Serializable;
import java.util.function.Predicate;

/**
 * What one transform does to each record, as a value both engines apply: the embedded runner with
 * {@link Flow#filter} / {@link Flow#map} ({@link #applyTo}), Flink as a {@code FilterFunction} /
 * {@code MapFunction} (in {@code dev.shardline.cli.flink}). Serializable, so that a pipeline can be
 * shipped to a Flink cluster; the functions are stateless and thread-safe.
 */
public sealed interface RecordStep extends Serializable {

  /** Passes on the records {@code predicate} accepts and drops the others. */
  record Keep(SerializablePredicate<PipelineRecord> predicate) implements RecordStep {
    @Override
    public Flow<PipelineRecord> applyTo(Flow<PipelineRecord> flow) {
      return flow.filter(predicate);
    }
  }

  /** Passes on {@code function} of each record. */
  record Change(SerializableFunction<PipelineRecord, PipelineRecord> function)
      implements RecordStep {
    @Override
    public Flow<PipelineRecord> applyTo(Flow<PipelineRecord> flow) {
      return flow.map(function);
    }
  }

  /** A predicate that can be shipped to Flink. */
  @FunctionalInterface
  interface SerializablePredicate<T> extends Predicate<T>, Serializable {}

  /** {@code flow} with this step applied, on the embedded runner. */
  Flow<PipelineRecord> applyTo(Flow<PipelineRecord> flow);
}
