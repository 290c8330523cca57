package dev.shardline.api;

import dev.shardline.state.VersionedSerializer;
import java.util.List;

/**
 * A sink whose writers keep state in checkpoints (e.g. a part-file counter).
 *
 * @param <T> the records it accepts
 * @param <W> the writer state
 */
public interface StatefulSink<T, W> extends Sink<T> {

  @Override
  StatefulSinkWriter<T, W> createWriter(SinkContext context) throws Exception;

  /**
   * A writer restored from checkpointed states. At a changed parallelism a writer may get the
   * states of several old writers, or none.
   */
  StatefulSinkWriter<T, W> restoreWriter(SinkContext context, List<W> states) throws Exception;

  /** Serializer of writer states in checkpoints. */
  VersionedSerializer<W> writerStateSerializer();
}
