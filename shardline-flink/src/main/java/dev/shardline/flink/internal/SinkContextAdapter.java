package dev.shardline.flink.internal;

import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ProcessingTimeService;
import dev.shardline.api.SinkContext;
import dev.shardline.api.WriterMailbox;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A connector writer's (or committer's) context on Flink. Immutable.
 *
 * @param writerIndex Flink's subtask index
 * @param parallelism Flink's parallelism of the sink
 * @param pipelineName stable across restarts: the name given, else the Flink job's name
 * @param sinkIdValue stable across restarts: the id given, else {@code sink-0}
 * @param deadLetters the dead-letter output
 * @param metrics metrics that show in Flink's metric group
 * @param timers the writer's timers; null for a committer
 * @param writerMailbox the writer's mailbox; null for a committer
 * @param restoredCheckpointId Flink's restored checkpoint id
 * @param firstCheckpointIdValue the id of the writer's first checkpoint, or 0 for the contract's
 *     default (the one after the restored one)
 */
public record SinkContextAdapter(
    int writerIndex,
    int parallelism,
    String pipelineName,
    String sinkIdValue,
    DeadLetterOutput deadLetters,
    MeterRegistry metrics,
    ProcessingTimeService timers,
    WriterMailbox writerMailbox,
    OptionalLong restoredCheckpointId,
    long firstCheckpointIdValue)
    implements SinkContext {

  @Override
  public long firstCheckpointId() {
    return firstCheckpointIdValue > 0
        ? firstCheckpointIdValue
        : SinkContext.super.firstCheckpointId();
  }

  @Override
  public Optional<String> sinkId() {
    return Optional.of(sinkIdValue);
  }

  @Override
  public Time time() {
    return Time.SYSTEM;
  }

  @Override
  public ProcessingTimeService processingTimeService() {
    if (timers == null) {
      throw new UnsupportedOperationException("A committer has no processing-time service");
    }
    return timers;
  }

  @Override
  public WriterMailbox mailbox() {
    if (writerMailbox == null) {
      throw new UnsupportedOperationException("A committer has no mailbox");
    }
    return writerMailbox;
  }
}
