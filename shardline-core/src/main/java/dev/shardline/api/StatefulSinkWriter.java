package dev.shardline.api;

import java.util.List;

/**
 * A {@link SinkWriter} with state in checkpoints.
 *
 * @param <T> the records it accepts
 * @param <W> the writer state
 */
public interface StatefulSinkWriter<T, W> extends SinkWriter<T> {

  /** The state to store in checkpoint {@code checkpointId}, taken right after {@link #flush()}. */
  List<W> snapshotState(long checkpointId) throws Exception;
}
