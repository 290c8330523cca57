package dev.shardline.flink.source.internal;

import dev.shardline.api.SourceSplit;
import dev.shardline.flink.internal.DeadLetterWriter;
import dev.shardline.flink.internal.FlinkMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/** Makes the adapters around a connector's enumerator and readers. */
public final class SourceAdapters {
  private SourceAdapters() {}

  /**
   * The connector's enumerator behind Flink's: fresh when {@code state} is null, else restored from
   * it; {@code seededSplits} (may be null) are handed back to it once it started.
   */
  public static <T, S extends SourceSplit, E> EnumeratorAdapter<S, E> enumerator(
      dev.shardline.api.Source<T, S, E> source,
      SplitEnumeratorContext<FlinkSplit<S>> flinkContext,
      E state,
      Map<Integer, List<S>> seededSplits) {
    EnumeratorContextAdapter<S> context =
        new EnumeratorContextAdapter<>(
            flinkContext, FlinkMetrics.registry(flinkContext.metricGroup()));
    dev.shardline.api.SplitEnumerator<S, E> enumerator =
        state == null ? source.createEnumerator(context) : source.restoreEnumerator(context, state);
    return new EnumeratorAdapter<>(enumerator, seededSplits);
  }

  /** The connector's reader behind Flink's. */
  public static <T, S extends SourceSplit> ReaderAdapter<T, S> reader(
      dev.shardline.api.Source<T, S, ?> source,
      SourceReaderContext flinkContext,
      DeadLetterWriter deadLetters,
      MeterRegistry metrics) {
    ReaderContextAdapter context =
        new ReaderContextAdapter(flinkContext, deadLetters.output(), metrics);
    return new ReaderAdapter<>(source.createReader(context), deadLetters);
  }
}
