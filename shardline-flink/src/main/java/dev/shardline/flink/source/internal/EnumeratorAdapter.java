package dev.shardline.flink.source.internal;

import dev.shardline.api.SourceSplit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connector's {@link dev.shardline.api.SplitEnumerator} as Flink's {@link SplitEnumerator}. The
 * connectors push splits to readers as they discover them, so split requests are ignored.
 *
 * <p>Seeded splits (from an embedded checkpoint the job starts from) are handed back to the
 * enumerator right after its {@code start()} and before any reader registers, which is how the
 * embedded runner restores a checkpoint at another parallelism: the enumerator keeps them pending
 * until their reader registers.
 */
public final class EnumeratorAdapter<S extends SourceSplit, E>
    implements SplitEnumerator<FlinkSplit<S>, E> {
  private static final Logger LOG = LoggerFactory.getLogger(EnumeratorAdapter.class);
  private final dev.shardline.api.SplitEnumerator<S, E> enumerator;
  private Map<Integer, List<S>> seededSplits;

  EnumeratorAdapter(
      dev.shardline.api.SplitEnumerator<S, E> enumerator, Map<Integer, List<S>> seededSplits) {
    this.enumerator = enumerator;
    this.seededSplits = seededSplits;
  }

  @Override
  public void start() {
    enumerator.start();
    if (seededSplits != null) {
      seededSplits.forEach(
          (reader, splits) -> {
            if (!splits.isEmpty()) {
              enumerator.addSplitsBack(splits, reader);
            }
          });
      seededSplits = null;
    }
  }

  @Override
  public void handleSplitRequest(int subtaskId, String requesterHostname) {
    // splits are pushed by the connector's enumerator as it discovers them
  }

  @Override
  public void addSplitsBack(List<FlinkSplit<S>> splits, int subtaskId) {
    List<S> unwrapped = new ArrayList<>(splits.size());
    for (FlinkSplit<S> split : splits) {
      unwrapped.add(split.split());
    }
    enumerator.addSplitsBack(unwrapped, subtaskId);
  }

  @Override
  public void addReader(int subtaskId) {
    enumerator.addReader(subtaskId);
  }

  @Override
  public E snapshotState(long checkpointId) throws Exception {
    return enumerator.snapshotState(checkpointId);
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    enumerator.notifyCheckpointComplete(checkpointId);
  }

  @Override
  public void handleSourceEvent(int subtaskId, SourceEvent event) {
    if (event instanceof FlinkSourceEvent wrapped) {
      enumerator.handleSourceEvent(subtaskId, wrapped.event());
    }
  }

  /**
   * Flink closes the enumerator when the job ends and also when a global failover recreates it, and
   * does not say which: the connector's {@link
   * dev.shardline.api.SplitEnumerator#notifyPipelineEnded} is called before every close (Flink's
   * own Kinesis connector deregisters its consumer at close too); a restarted enumerator sets up
   * again what it released. A failure there is logged, never fails the close.
   */
  @Override
  public void close() throws IOException {
    try {
      enumerator.notifyPipelineEnded();
    } catch (Exception e) {
      LOG.warn("The split enumerator failed to release what it held until the end", e);
    }
    try {
      enumerator.close();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("Cannot close the split enumerator", e);
    }
  }
}
