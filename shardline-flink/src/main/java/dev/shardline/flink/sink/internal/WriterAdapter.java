package dev.shardline.flink.sink.internal;

import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.StatefulSinkWriter;
import dev.shardline.flink.internal.DeadLetterWriter;
import dev.shardline.flink.internal.FlinkMailbox;
import dev.shardline.flink.internal.FlinkTimers;
import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * A connector's {@link SinkWriter} as Flink's: Flink calls it from the task thread, as the embedded
 * runner calls the connector's writer from its worker. At a checkpoint Flink calls {@code
 * flush(false)}, then {@code prepareCommit()} (transactional sinks), then {@code snapshotState}
 * (stateful sinks): the same order as the embedded runner. The writer's dead-letter writer is
 * flushed with it.
 *
 * @param <T> the records it accepts
 * @param <W> the connector writer's state (unused for sinks without state)
 * @param <C> the committable (unused for sinks without two-phase commit)
 */
public final class WriterAdapter<T, W, C>
    implements org.apache.flink.api.connector.sink2.StatefulSinkWriter<T, W>,
        org.apache.flink.api.connector.sink2.CommittingSinkWriter<T, C> {
  private final SinkWriter<T> writer;
  private final FlinkTimers timers;
  private final FlinkMailbox mailbox;
  private final DeadLetterWriter deadLetters;

  public WriterAdapter(
      SinkWriter<T> writer,
      FlinkTimers timers,
      FlinkMailbox mailbox,
      DeadLetterWriter deadLetters) {
    this.writer = writer;
    this.timers = timers;
    this.mailbox = mailbox;
    this.deadLetters = deadLetters;
  }

  @Override
  public void write(T element, Context context) throws IOException, InterruptedException {
    try {
      writer.write(element);
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  @Override
  public void flush(boolean endOfInput) throws IOException, InterruptedException {
    try {
      writer.flush();
      deadLetters.flush();
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<W> snapshotState(long checkpointId) throws IOException {
    try {
      return ((StatefulSinkWriter<T, W>) writer).snapshotState(checkpointId);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public Collection<C> prepareCommit() throws IOException, InterruptedException {
    if (!(writer instanceof CommittingSinkWriter)) {
      // Flink asks every CommittingSinkWriter, as this adapter is, even without a committer
      return List.of();
    }
    try {
      return ((CommittingSinkWriter<T, C>) writer).prepareCommit();
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    timers.close();
    mailbox.close();
    try {
      writer.close();
    } finally {
      deadLetters.close();
    }
  }
}
