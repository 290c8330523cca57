package dev.shardline.runtime.checkpoint;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.util.List;

/**
 * What a checkpoint holds for one sink: each writer's state (for a {@link
 * dev.shardline.api.StatefulSink}) and the committables its writers prepared (for a {@link
 * dev.shardline.api.TransactionalSink}). Immutable.
 *
 * @param writerStates per writer index, the states its writer snapshotted (empty lists for a sink
 *     without writer state)
 * @param committables per writer index, the committables its writer prepared at this checkpoint
 */
public record SinkState(List<List<StateBlob>> writerStates, List<List<StateBlob>> committables) {

  public SinkState {
    writerStates = copy(checkNotNull(writerStates, "writerStates"));
    committables = copy(checkNotNull(committables, "committables"));
  }

  /** Every writer's committables in one list, in writer order. */
  public List<StateBlob> allCommittables() {
    return committables.stream().flatMap(List::stream).toList();
  }

  private static List<List<StateBlob>> copy(List<List<StateBlob>> lists) {
    return lists.stream().map(List::copyOf).toList();
  }
}
