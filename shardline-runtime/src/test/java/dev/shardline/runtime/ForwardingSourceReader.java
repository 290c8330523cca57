package dev.shardline.runtime;

import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceSplit;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A reader that forwards every call to another; test wrappers override what they watch. */
class ForwardingSourceReader<T, S extends SourceSplit> implements SourceReader<T, S> {
  protected final SourceReader<T, S> inner;

  ForwardingSourceReader(SourceReader<T, S> inner) {
    this.inner = inner;
  }

  @Override
  public void start() {
    inner.start();
  }

  @Override
  public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
    return inner.pollNext(output);
  }

  @Override
  public CompletableFuture<Void> isAvailable() {
    return inner.isAvailable();
  }

  @Override
  public void addSplits(List<S> splits) {
    inner.addSplits(splits);
  }

  @Override
  public void notifyNoMoreSplits() {
    inner.notifyNoMoreSplits();
  }

  @Override
  public void handleSourceEvent(SourceEvent event) {
    inner.handleSourceEvent(event);
  }

  @Override
  public List<S> snapshotState(long checkpointId) throws Exception {
    return inner.snapshotState(checkpointId);
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    inner.notifyCheckpointComplete(checkpointId);
  }

  @Override
  public void close() throws Exception {
    inner.close();
  }
}
