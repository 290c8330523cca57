package dev.shardline.flink.source.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.SourceSplit;
import dev.shardline.api.SplitEnumerator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Flink closes the enumerator at a job's end and at a failover alike: the connector is told the
 * pipeline ended before every close, and a failure there never fails the close.
 */
class EnumeratorAdapterTest {

  private static final class Recording implements SplitEnumerator<SourceSplit, Void> {
    final List<String> calls = new ArrayList<>();
    final boolean failOnEnd;

    Recording(boolean failOnEnd) {
      this.failOnEnd = failOnEnd;
    }

    @Override
    public void start() {}

    @Override
    public void addReader(int readerId) {}

    @Override
    public void addSplitsBack(List<SourceSplit> splits, int readerId) {}

    @Override
    public Void snapshotState(long checkpointId) {
      return null;
    }

    @Override
    public void notifyPipelineEnded() {
      calls.add("ended");
      if (failOnEnd) {
        throw new IllegalStateException("deregistration refused");
      }
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }

  @Test
  void closeTellsTheConnectorThePipelineEndedThenClosesIt() throws Exception {
    Recording enumerator = new Recording(false);

    new EnumeratorAdapter<>(enumerator, null).close();

    assertThat(enumerator.calls).containsExactly("ended", "close");
  }

  @Test
  void aFailureToReleaseIsLoggedAndTheEnumeratorStillCloses() throws Exception {
    Recording enumerator = new Recording(true);

    new EnumeratorAdapter<>(enumerator, null).close();

    assertThat(enumerator.calls).containsExactly("ended", "close");
  }
}
