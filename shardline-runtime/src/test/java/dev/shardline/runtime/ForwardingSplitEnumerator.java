package dev.shardline.runtime;

import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceSplit;
import dev.shardline.api.SplitEnumerator;
import java.util.List;

/** An enumerator that forwards every call to another; test wrappers override what they watch. */
class ForwardingSplitEnumerator<S extends SourceSplit, E> implements SplitEnumerator<S, E> {
  protected final SplitEnumerator<S, E> inner;

  ForwardingSplitEnumerator(SplitEnumerator<S, E> inner) {
    this.inner = inner;
  }

  @Override
  public void start() {
    inner.start();
  }

  @Override
  public void addReader(int readerId) {
    inner.addReader(readerId);
  }

  @Override
  public void addSplitsBack(List<S> splits, int readerId) {
    inner.addSplitsBack(splits, readerId);
  }

  @Override
  public void handleSourceEvent(int readerId, SourceEvent event) {
    inner.handleSourceEvent(readerId, event);
  }

  @Override
  public E snapshotState(long checkpointId) throws Exception {
    return inner.snapshotState(checkpointId);
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    inner.notifyCheckpointComplete(checkpointId);
  }

  @Override
  public void notifyPipelineEnded() throws Exception {
    inner.notifyPipelineEnded();
  }

  @Override
  public void close() throws Exception {
    inner.close();
  }
}
