package dev.shardline.runtime;

import dev.shardline.api.Committer;
import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.SinkContext;
import dev.shardline.api.TransactionalSink;
import dev.shardline.state.VersionedSerializer;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transactional sink whose chosen writers' {@code flush()} blocks while its gate is closed, as a
 * flush to a server that cannot be reached does; otherwise it is the sink it wraps. Thread-safe.
 * Tests open the gate in their cleanup, so no worker stays blocked when an assertion fails.
 */
final class GatedSink<T, C> implements TransactionalSink<T, C> {
  private static final CountDownLatch OPEN = new CountDownLatch(0);

  private final TransactionalSink<T, C> delegate;
  private final Set<Integer> gatedWriters;
  private final Object lock = new Object();
  private CountDownLatch gate = OPEN;
  private volatile boolean closeOnNextRecord;
  private final AtomicInteger blocked = new AtomicInteger();
  private final ConcurrentHashMap<Integer, AtomicInteger> prepareCommits =
      new ConcurrentHashMap<>();

  GatedSink(TransactionalSink<T, C> delegate, Integer... gatedWriters) {
    this.delegate = delegate;
    this.gatedWriters = Set.of(gatedWriters);
  }

  /** From now on the gated writers' flushes block, until {@link #openGate()}. */
  void closeGate() {
    synchronized (lock) {
      if (gate.getCount() == 0) {
        gate = new CountDownLatch(1);
      }
    }
  }

  /**
   * The gate closes when a gated writer writes its next record, so the flush that blocks has a
   * record of its checkpoint before it (an open transaction that the checkpoint closes).
   */
  void closeGateOnNextRecord() {
    closeOnNextRecord = true;
  }

  /** Releases every blocked flush; later ones pass. */
  void openGate() {
    closeOnNextRecord = false;
    synchronized (lock) {
      gate.countDown();
    }
  }

  /** How many writers are blocked in {@code flush()} right now. */
  int blockedWriters() {
    return blocked.get();
  }

  /**
   * How many times writer {@code writer} prepared a commit: one per checkpoint barrier it took, so
   * (with no restore) the id of the last checkpoint it took.
   */
  int prepareCommits(int writer) {
    return prepareCommits.computeIfAbsent(writer, w -> new AtomicInteger()).get();
  }

  private CountDownLatch gate() {
    synchronized (lock) {
      return gate;
    }
  }

  @Override
  public CommittingSinkWriter<T, C> createWriter(SinkContext context) throws Exception {
    CommittingSinkWriter<T, C> writer = delegate.createWriter(context);
    boolean gated = gatedWriters.contains(context.writerIndex());
    AtomicInteger prepared =
        prepareCommits.computeIfAbsent(context.writerIndex(), w -> new AtomicInteger());
    return new CommittingSinkWriter<>() {
      @Override
      public void write(T record) throws Exception {
        writer.write(record);
        if (gated && closeOnNextRecord) {
          closeOnNextRecord = false;
          closeGate();
        }
      }

      @Override
      public void flush() throws Exception {
        CountDownLatch current = gate();
        if (gated && current.getCount() > 0) {
          blocked.incrementAndGet();
          try {
            current.await();
          } finally {
            blocked.decrementAndGet();
          }
        }
        writer.flush();
      }

      @Override
      public Collection<C> prepareCommit() throws Exception {
        Collection<C> committables = writer.prepareCommit();
        prepared.incrementAndGet();
        return committables;
      }

      @Override
      public void close() throws Exception {
        writer.close();
      }
    };
  }

  @Override
  public Committer<C> createCommitter(SinkContext context) throws Exception {
    return delegate.createCommitter(context);
  }

  @Override
  public VersionedSerializer<C> committableSerializer() {
    return delegate.committableSerializer();
  }
}
