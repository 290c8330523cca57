package dev.shardline.runtime;

import dev.shardline.api.Boundedness;
import dev.shardline.api.Source;
import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.api.SourceSplit;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.state.VersionedSerializer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test source around another one that records which checkpoints each reader was notified of. Its
 * enumerator, when notified of a checkpoint, sends every reader an event that takes {@code
 * eventHandling} to handle; the runner posts the readers' own notifications right after, so each
 * waits in its worker's mailbox behind that event, as a notification does behind any slow message.
 */
final class NotificationRecordingSource<T, S extends SourceSplit, E> implements Source<T, S, E> {
  private static final SourceEvent CHECKPOINT_DONE = new SourceEvent() {};

  private final Source<T, S, E> delegate;
  private final Duration eventHandling;
  private final Map<Integer, Set<Long>> notified = new ConcurrentHashMap<>();

  NotificationRecordingSource(Source<T, S, E> delegate, Duration eventHandling) {
    this.delegate = delegate;
    this.eventHandling = eventHandling;
  }

  /** The checkpoint ids reader {@code reader} was notified of, in order. */
  Set<Long> notifiedOf(int reader) {
    synchronized (notified) {
      return new TreeSet<>(notified.getOrDefault(reader, Set.of()));
    }
  }

  @Override
  public String identity() {
    return delegate.identity();
  }

  @Override
  public Boundedness boundedness() {
    return delegate.boundedness();
  }

  @Override
  public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context) {
    return new Enumerator(delegate.createEnumerator(context), context);
  }

  @Override
  public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint) {
    return new Enumerator(delegate.restoreEnumerator(context, checkpoint), context);
  }

  @Override
  public SourceReader<T, S> createReader(SourceReaderContext context) {
    return new Reader(delegate.createReader(context), context.readerIndex());
  }

  @Override
  public VersionedSerializer<S> splitSerializer() {
    return delegate.splitSerializer();
  }

  @Override
  public VersionedSerializer<E> enumeratorStateSerializer() {
    return delegate.enumeratorStateSerializer();
  }

  private final class Enumerator extends ForwardingSplitEnumerator<S, E> {
    private final SplitEnumeratorContext<S> context;

    Enumerator(SplitEnumerator<S, E> inner, SplitEnumeratorContext<S> context) {
      super(inner);
      this.context = context;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      inner.notifyCheckpointComplete(checkpointId);
      context.registeredReaders().forEach(r -> context.sendEventToReader(r, CHECKPOINT_DONE));
    }
  }

  private final class Reader extends ForwardingSourceReader<T, S> {
    private final int index;

    Reader(SourceReader<T, S> inner, int index) {
      super(inner);
      this.index = index;
    }

    @Override
    public void handleSourceEvent(SourceEvent event) {
      if (event == CHECKPOINT_DONE) {
        try {
          Thread.sleep(eventHandling.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else {
        inner.handleSourceEvent(event);
      }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      synchronized (notified) {
        notified.computeIfAbsent(index, i -> new TreeSet<>()).add(checkpointId);
      }
      inner.notifyCheckpointComplete(checkpointId);
    }
  }
}
