package dev.shardline.testsupport;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ProcessingTimeService;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.SinkContext;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link SinkContext} for driving a writer or committer without a runner: in unit tests,
 * integration tests and benchmarks. Immutable; the {@code with...} methods return changed copies.
 *
 * <p>{@link #of(String)} is writer 0 of 1, no sink id, not restored, no dead-letter sink (sending
 * one throws), a fresh {@link SimpleMeterRegistry}, the system clock, and a {@link
 * ManualProcessingTimeService} whose timers fire only when the caller fires them: whoever drives
 * the writer calls {@code flush} or {@link ManualProcessingTimeService#fireDueTimers()} itself.
 *
 * <pre>{@code
 * SinkWriter<String> writer =
 *     sink.createWriter(StandaloneSinkContext.of("test").withWriter(1, 2).withRestoredCheckpoint(7));
 * }</pre>
 */
public record StandaloneSinkContext(
    String pipelineName,
    int writerIndex,
    int parallelism,
    Optional<String> sinkId,
    OptionalLong restoredCheckpointId,
    DeadLetterOutput deadLetters,
    MeterRegistry metrics,
    Time time,
    ProcessingTimeService processingTimeService)
    implements SinkContext {

  private static final DeadLetterOutput NO_DEAD_LETTERS =
      new DeadLetterOutput() {
        @Override
        public boolean isConfigured() {
          return false;
        }

        @Override
        public void send(DeadLetter deadLetter) {
          throw new ShardlineException(
              "No dead-letter sink in this context, so " + deadLetter + " cannot be sent");
        }
      };

  /** Checks the components. */
  public StandaloneSinkContext {
    checkNotNull(pipelineName, "pipelineName");
    checkArgument(parallelism >= 1, "parallelism must be at least 1, was " + parallelism);
    checkArgument(
        writerIndex >= 0 && writerIndex < parallelism,
        "writerIndex must be in [0, " + parallelism + "), was " + writerIndex);
    checkNotNull(sinkId, "sinkId");
    checkNotNull(restoredCheckpointId, "restoredCheckpointId");
    checkNotNull(deadLetters, "deadLetters");
    checkNotNull(metrics, "metrics");
    checkNotNull(time, "time");
    checkNotNull(processingTimeService, "processingTimeService");
  }

  /** Writer 0 of 1 of pipeline {@code pipelineName}, with the defaults above. */
  public static StandaloneSinkContext of(String pipelineName) {
    return new StandaloneSinkContext(
        pipelineName,
        0,
        1,
        Optional.empty(),
        OptionalLong.empty(),
        NO_DEAD_LETTERS,
        new SimpleMeterRegistry(),
        Time.SYSTEM,
        new ManualProcessingTimeService(Time.SYSTEM));
  }

  /** Writer {@code index} of {@code parallelism}. */
  public StandaloneSinkContext withWriter(int index, int parallelism) {
    return new StandaloneSinkContext(
        pipelineName,
        index,
        parallelism,
        sinkId,
        restoredCheckpointId,
        deadLetters,
        metrics,
        time,
        processingTimeService);
  }

  /** The sink id ({@code sink-0}, ...); null for none. */
  public StandaloneSinkContext withSinkId(String id) {
    return new StandaloneSinkContext(
        pipelineName,
        writerIndex,
        parallelism,
        Optional.ofNullable(id),
        restoredCheckpointId,
        deadLetters,
        metrics,
        time,
        processingTimeService);
  }

  /** Restored from checkpoint {@code checkpointId}. */
  public StandaloneSinkContext withRestoredCheckpoint(long checkpointId) {
    return new StandaloneSinkContext(
        pipelineName,
        writerIndex,
        parallelism,
        sinkId,
        OptionalLong.of(checkpointId),
        deadLetters,
        metrics,
        time,
        processingTimeService);
  }

  /** Dead letters go to {@code output}. */
  public StandaloneSinkContext withDeadLetters(DeadLetterOutput output) {
    return new StandaloneSinkContext(
        pipelineName,
        writerIndex,
        parallelism,
        sinkId,
        restoredCheckpointId,
        output,
        metrics,
        time,
        processingTimeService);
  }

  /** Dead letters are added to {@code letters} (which must be thread-safe if the writer is). */
  public StandaloneSinkContext withDeadLettersTo(List<DeadLetter> letters) {
    checkNotNull(letters, "letters");
    return withDeadLetters(
        new DeadLetterOutput() {
          @Override
          public boolean isConfigured() {
            return true;
          }

          @Override
          public void send(DeadLetter deadLetter) {
            letters.add(deadLetter);
          }
        });
  }

  /** Metrics go to {@code registry}. */
  public StandaloneSinkContext withMetrics(MeterRegistry registry) {
    return new StandaloneSinkContext(
        pipelineName,
        writerIndex,
        parallelism,
        sinkId,
        restoredCheckpointId,
        deadLetters,
        registry,
        time,
        processingTimeService);
  }

  /** The clock {@code clock}, and a new {@link ManualProcessingTimeService} on it. */
  public StandaloneSinkContext withTime(Time clock) {
    return new StandaloneSinkContext(
        pipelineName,
        writerIndex,
        parallelism,
        sinkId,
        restoredCheckpointId,
        deadLetters,
        metrics,
        clock,
        new ManualProcessingTimeService(clock));
  }

  /** Timers from {@code timers}. */
  public StandaloneSinkContext withProcessingTimeService(ProcessingTimeService timers) {
    return new StandaloneSinkContext(
        pipelineName,
        writerIndex,
        parallelism,
        sinkId,
        restoredCheckpointId,
        deadLetters,
        metrics,
        time,
        timers);
  }
}
