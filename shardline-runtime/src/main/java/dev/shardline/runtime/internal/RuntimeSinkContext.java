package dev.shardline.runtime.internal;

import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ProcessingTimeService;
import dev.shardline.api.SinkContext;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The embedded runner's {@link SinkContext}. Immutable.
 *
 * @param sink the sink's id in checkpoints ({@link PipelineSpec#sinkId} or {@link
 *     PipelineSpec#DEAD_LETTER_SINK_ID}), handed out as {@link #sinkId()}
 * @param firstCheckpointId the id of the writer's first checkpoint ({@link
 *     SinkContext#firstCheckpointId()}); for a committer, the one after the restored checkpoint
 * @param timers the writer's timers; null for a committer, whose {@link #processingTimeService()}
 *     throws
 */
record RuntimeSinkContext(
    String sink,
    int writerIndex,
    int parallelism,
    String pipelineName,
    DeadLetterOutput deadLetters,
    MeterRegistry metrics,
    Time time,
    OptionalLong restoredCheckpointId,
    long firstCheckpointId,
    ProcessingTimeService timers)
    implements SinkContext {

  @Override
  public ProcessingTimeService processingTimeService() {
    if (timers == null) {
      throw new UnsupportedOperationException(
          "A committer has no processing-time timers on the embedded runner; only sink writers"
              + " do");
    }
    return timers;
  }

  @Override
  public Optional<String> sinkId() {
    return Optional.of(sink);
  }
}
