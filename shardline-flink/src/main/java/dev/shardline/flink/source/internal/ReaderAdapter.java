package dev.shardline.flink.source.internal;

import dev.shardline.api.InputStatus;
import dev.shardline.api.SourceSplit;
import dev.shardline.flink.internal.DeadLetterWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;

/**
 * A connector's {@link dev.shardline.api.SourceReader} as Flink's {@link SourceReader}. Flink calls
 * it from the source task's thread, as the embedded runner calls the connector's reader from its
 * worker thread, so it only translates types: the connector's own reader does the reading, keeps
 * the positions and snapshots them.
 *
 * <p>At a checkpoint Flink calls {@link #snapshotState} before the barrier goes downstream; the
 * dead-letter writer (when the source has one) is flushed first, so a dead-lettered record is
 * durable before the position past it is, as on the embedded runner.
 */
public final class ReaderAdapter<T, S extends SourceSplit>
    implements SourceReader<T, FlinkSplit<S>> {
  private final dev.shardline.api.SourceReader<T, S> reader;
  private final DeadLetterWriter deadLetters;
  private final OutputAdapter<T> output = new OutputAdapter<>();

  ReaderAdapter(dev.shardline.api.SourceReader<T, S> reader, DeadLetterWriter deadLetters) {
    this.reader = reader;
    this.deadLetters = deadLetters;
  }

  @Override
  public void start() {
    reader.start();
  }

  @Override
  public org.apache.flink.core.io.InputStatus pollNext(ReaderOutput<T> flinkOutput)
      throws Exception {
    deadLetters.runDueTimers();
    output.target = flinkOutput;
    InputStatus status = reader.pollNext(output);
    return switch (status) {
      case MORE_AVAILABLE -> org.apache.flink.core.io.InputStatus.MORE_AVAILABLE;
      case NOTHING_AVAILABLE -> org.apache.flink.core.io.InputStatus.NOTHING_AVAILABLE;
      case END_OF_INPUT -> endOfInput();
    };
  }

  private org.apache.flink.core.io.InputStatus endOfInput() throws Exception {
    deadLetters.flush();
    return org.apache.flink.core.io.InputStatus.END_OF_INPUT;
  }

  @Override
  public List<FlinkSplit<S>> snapshotState(long checkpointId) {
    try {
      deadLetters.flush();
      List<S> splits = reader.snapshotState(checkpointId);
      List<FlinkSplit<S>> wrapped = new ArrayList<>(splits.size());
      for (S split : splits) {
        wrapped.add(new FlinkSplit<>(split));
      }
      return wrapped;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "The source reader could not snapshot its splits for checkpoint " + checkpointId, e);
    }
  }

  @Override
  public CompletableFuture<Void> isAvailable() {
    return reader.isAvailable();
  }

  @Override
  public void addSplits(List<FlinkSplit<S>> splits) {
    List<S> unwrapped = new ArrayList<>(splits.size());
    for (FlinkSplit<S> split : splits) {
      unwrapped.add(split.split());
    }
    reader.addSplits(unwrapped);
  }

  @Override
  public void notifyNoMoreSplits() {
    reader.notifyNoMoreSplits();
  }

  @Override
  public void handleSourceEvents(SourceEvent event) {
    if (event instanceof FlinkSourceEvent wrapped) {
      reader.handleSourceEvent(wrapped.event());
    }
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    reader.notifyCheckpointComplete(checkpointId);
  }

  @Override
  public void close() throws Exception {
    try {
      reader.close();
    } finally {
      deadLetters.close();
    }
  }

  /**
   * The connector's output over Flink's, for one {@code pollNext} call at a time. A split's output
   * is Flink's split output, so the job's watermark strategy runs per split (Flink keeps it until
   * the split is released).
   */
  private static final class OutputAdapter<T> implements dev.shardline.api.ReaderOutput<T> {
    private final Map<String, SplitOutput<T>> splits = new HashMap<>();
    private ReaderOutput<T> target;

    @Override
    public void collect(T record) {
      target.collect(record);
    }

    @Override
    public void collect(T record, long eventTimeMillis) {
      target.collect(record, eventTimeMillis);
    }

    @Override
    public dev.shardline.api.ReaderOutput<T> forSplit(String splitId) {
      return splits.computeIfAbsent(
          splitId, id -> new SplitOutput<>(target.createOutputForSplit(id)));
    }

    @Override
    public void releaseSplit(String splitId) {
      if (splits.remove(splitId) != null) {
        target.releaseOutputForSplit(splitId);
      }
    }
  }

  /** One split's output. */
  private record SplitOutput<T>(SourceOutput<T> output)
      implements dev.shardline.api.ReaderOutput<T> {
    @Override
    public void collect(T record) {
      output.collect(record);
    }

    @Override
    public void collect(T record, long eventTimeMillis) {
      output.collect(record, eventTimeMillis);
    }
  }
}
