package dev.shardline.runtime.internal;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.SinkWriter;
import java.util.function.Supplier;

/** {@link DeadLetterOutput}s of the embedded runner. */
final class DeadLetters {
  private DeadLetters() {}

  /** For pipelines without a dead-letter sink (and for the dead-letter sink's own writers). */
  static DeadLetterOutput notConfigured(String pipeline) {
    return new DeadLetterOutput() {
      @Override
      public boolean isConfigured() {
        return false;
      }

      @Override
      public void send(DeadLetter deadLetter) {
        throw new ShardlineException(
            "Pipeline '"
                + pipeline
                + "' has no dead-letter sink, so "
                + deadLetter
                + " cannot be dead-lettered. Configure one (PipelineBuilder.deadLetterTo), or use"
                + " another bad-data policy.");
      }
    };
  }

  /** Writes to a worker's dead-letter writer, which exists once the worker has started. */
  static DeadLetterOutput toWriter(Supplier<SinkWriter<DeadLetter>> writer) {
    return new DeadLetterOutput() {
      @Override
      public boolean isConfigured() {
        return true;
      }

      @Override
      public void send(DeadLetter deadLetter) {
        try {
          writer.get().write(deadLetter);
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new ShardlineException(
              "Cannot write " + deadLetter + " to the dead-letter sink", e);
        }
      }
    };
  }
}
