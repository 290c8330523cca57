package dev.shardline.flink.internal;

import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.Sink;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.UnrecoverableException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.OptionalLong;

/**
 * The dead-letter sink's writer inside one Flink source reader or sink writer. Made on the first
 * dead letter; flushed before the owner's state is snapshot, so a dead letter is durable before the
 * position past its record is (as on the embedded runner, where the dead-letter sink is flushed
 * with the other sinks at every checkpoint). Used from the owner's thread only.
 *
 * <p>Only sinks that write at least once can take dead letters on Flink (Kinesis, Kafka
 * at-least-once, stdout): committables of a two-phase sink (Kafka exactly-once, the file sink)
 * would need their own committer and checkpointed state. A dead-letter writer that hands over
 * committables at its first flush fails the job with that fix.
 */
public final class DeadLetterWriter implements AutoCloseable {
  private final Sink<DeadLetter> sink;
  private final int index;
  private final int parallelism;
  private final String pipelineName;
  private final MeterRegistry metrics;
  private final PolledTimers timers = new PolledTimers();
  private final ReaderThreadMailbox mailbox = new ReaderThreadMailbox(timers);
  private SinkWriter<DeadLetter> writer;

  private DeadLetterWriter(
      Sink<DeadLetter> sink,
      int index,
      int parallelism,
      String pipelineName,
      MeterRegistry metrics) {
    this.sink = sink;
    this.index = index;
    this.parallelism = parallelism;
    this.pipelineName = pipelineName;
    this.metrics = metrics;
  }

  /** A writer for {@code sink}, or one that refuses dead letters when {@code sink} is null. */
  public static DeadLetterWriter create(
      Sink<DeadLetter> sink,
      int index,
      int parallelism,
      String pipelineName,
      MeterRegistry metrics) {
    return new DeadLetterWriter(sink, index, parallelism, pipelineName, metrics);
  }

  /** What the owner's connector sends dead letters to. */
  public DeadLetterOutput output() {
    return new DeadLetterOutput() {
      @Override
      public boolean isConfigured() {
        return sink != null;
      }

      @Override
      public void send(DeadLetter deadLetter) {
        if (sink == null) {
          throw new ShardlineException(
              "Cannot dead-letter "
                  + deadLetter
                  + ": this Flink job has no dead-letter sink. Give one with"
                  + " FlinkSource.deadLetterTo / FlinkSink.deadLetterTo, or use another bad-data"
                  + " policy.");
        }
        try {
          writer().write(deadLetter);
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new ShardlineException(
              "Cannot write " + deadLetter + " to the dead-letter sink", e);
        }
      }
    };
  }

  private SinkWriter<DeadLetter> writer() throws Exception {
    if (writer == null) {
      writer =
          sink.createWriter(
              new SinkContextAdapter(
                  index,
                  parallelism,
                  pipelineName,
                  "dead-letter",
                  DeadLetterWriter.create(null, index, parallelism, pipelineName, metrics).output(),
                  metrics,
                  timers,
                  mailbox,
                  OptionalLong.empty()));
    }
    return writer;
  }

  /** Runs the writer's pending mails and due timers (the owner calls this as it works). */
  public void runDueTimers() throws Exception {
    if (writer != null) {
      mailbox.runPending();
    }
  }

  /** Makes every dead letter sent so far durable. */
  public void flush() throws Exception {
    if (writer != null) {
      mailbox.runPending();
      writer.flush();
      if (writer instanceof CommittingSinkWriter<?, ?> committing
          && !committing.prepareCommit().isEmpty()) {
        throw new UnrecoverableException(
            "The dead-letter sink "
                + sink.getClass().getSimpleName()
                + " commits in two phases (exactly once), which a dead-letter sink on Flink cannot"
                + " do. Use a sink that writes at least once for dead letters on Flink (Kinesis,"
                + " Kafka with deliveryGuarantee at-least-once, stdout).");
      }
    }
  }

  @Override
  public void close() throws Exception {
    timers.close();
    mailbox.close();
    if (writer != null) {
      writer.close();
    }
  }
}
