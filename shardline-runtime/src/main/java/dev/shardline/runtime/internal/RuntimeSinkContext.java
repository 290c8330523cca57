package dev.shardline.runtime.internal;

import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ProcessingTimeService;
import dev.shardline.api.SinkContext;
import dev.shardline.api.WriterMailbox;
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
 * @param writer the writer's timers and mailbox; null for a committer, whose {@link
 *     #processingTimeService()} and {@link #mailbox()} throw
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
    WriterThread writer)
    implements SinkContext {

  /** What only a writer has: the tools of its worker's thread. */
  record WriterThread(ProcessingTimeService timers, WriterMailbox mailbox) {}

  @Override
  public ProcessingTimeService processingTimeService() {
    return writer("processing-time timers").timers();
  }

  @Override
  public WriterMailbox mailbox() {
    return writer("mailbox").mailbox();
  }

  @Override
  public Optional<String> sinkId() {
    return Optional.of(sink);
  }

  private WriterThread writer(String what) {
    if (writer == null) {
      throw new UnsupportedOperationException(
          "A committer has no " + what + " on the embedded runner; only sink writers do");
    }
    return writer;
  }
}
