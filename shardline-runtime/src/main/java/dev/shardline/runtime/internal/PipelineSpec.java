package dev.shardline.runtime.internal;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.Sink;
import dev.shardline.api.Source;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a pipeline was built with, validated. Immutable.
 *
 * @param checkpointTimeout how long a checkpoint may take before it is aborted
 * @param tolerableCheckpointFailures how many checkpoints in a row may fail without failing the run
 * @param checkpointStore a store the user supplied, or null for a {@link
 *     dev.shardline.runtime.checkpoint.DirectoryCheckpointStore} in {@code checkpointDirectory}
 */
public record PipelineSpec(
    Source<?, ?, ?> source,
    List<RecordOp> ops,
    List<Sink<?>> sinks,
    Sink<DeadLetter> deadLetterSink,
    String name,
    int parallelism,
    Duration checkpointInterval,
    Duration checkpointTimeout,
    int tolerableCheckpointFailures,
    Path checkpointDirectory,
    int retainedCheckpoints,
    CheckpointStore checkpointStore,
    RestartPolicy restartPolicy,
    MeterRegistry metrics,
    Time time,
    boolean stopOnJvmShutdown) {

  /** The id under which sink {@code index} keeps its state in checkpoints. */
  public static String sinkId(int index) {
    return "sink-" + index;
  }

  /** The id under which the dead-letter sink keeps its state in checkpoints. */
  public static final String DEAD_LETTER_SINK_ID = "dead-letter";

  /** The ids of the pipeline's sinks in the order of the {@code to} calls, the dead-letter last. */
  List<String> sinkIds() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < sinks.size(); i++) {
      ids.add(sinkId(i));
    }
    if (deadLetterSink != null) {
      ids.add(DEAD_LETTER_SINK_ID);
    }
    return ids;
  }

  /** The sink with id {@code sinkId}, or null when the pipeline has none by that id. */
  Sink<?> sink(String sinkId) {
    if (sinkId.equals(DEAD_LETTER_SINK_ID)) {
      return deadLetterSink;
    }
    for (int i = 0; i < sinks.size(); i++) {
      if (sinkId(i).equals(sinkId)) {
        return sinks.get(i);
      }
    }
    return null;
  }
}
