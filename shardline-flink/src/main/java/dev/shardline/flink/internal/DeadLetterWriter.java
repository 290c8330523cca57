package dev.shardline.flink.internal;

import dev.shardline.api.Committer;
import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.TransactionalSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.OptionalLong;

/**
 * The dead-letter sink's writer inside one Flink source reader or sink writer. Made on the first
 * dead letter; flushed before the owner's state is snapshot, so a dead letter is durable before the
 * position past its record is (as on the embedded runner, where the dead-letter sink is flushed
 * with the other sinks at every checkpoint). Used from the owner's thread only.
 *
 * <p>Dead letters are written at least once on Flink. A two-phase dead-letter sink (the file sink,
 * Kafka exactly-once) commits what it prepared at each flush, before the owner's state is snapshot:
 * its committables would otherwise need a committer and checkpointed state of their own. So a dead
 * letter is durable before the position past its record is, and a record read again after a failure
 * may be dead-lettered again. Such a writer numbers its transactions (part files, transactional
 * ids) from the time it starts, in milliseconds, which is above every number an earlier attempt
 * used, so no name is used twice.
 */
public final class DeadLetterWriter implements AutoCloseable {
  private final Sink<DeadLetter> sink;
  private final int index;
  private final int parallelism;
  private final String pipelineName;
  private final MeterRegistry metrics;
  private final PolledTimers timers = new PolledTimers();
  private final ReaderThreadMailbox mailbox = new ReaderThreadMailbox(timers);
  private final long firstCheckpointId = System.currentTimeMillis();
  private SinkWriter<DeadLetter> writer;
  private Committer<Object> committer;

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

  /** The output of a job without a dead-letter sink (and of the dead-letter writer itself). */
  public static DeadLetterOutput notConfigured() {
    return NOT_CONFIGURED;
  }

  private static final DeadLetterOutput NOT_CONFIGURED =
      new DeadLetterWriter(null, 0, 1, "", null).output();

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
      writer = sink.createWriter(context(timers, mailbox));
    }
    return writer;
  }

  private SinkContext context(PolledTimers writerTimers, ReaderThreadMailbox writerMailbox) {
    return new SinkContextAdapter(
        index,
        parallelism,
        pipelineName,
        "dead-letter",
        notConfigured(),
        metrics,
        writerTimers,
        writerMailbox,
        OptionalLong.empty(),
        firstCheckpointId);
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
      if (writer instanceof CommittingSinkWriter<?, ?> committing) {
        commit(committing.prepareCommit());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void commit(Collection<?> committables) throws Exception {
    if (committables.isEmpty()) {
      return;
    }
    if (committer == null) {
      committer =
          ((TransactionalSink<DeadLetter, Object>) sink).createCommitter(context(null, null));
    }
    committer.commit((Collection<Object>) committables);
  }

  @Override
  public void close() throws Exception {
    timers.close();
    mailbox.close();
    if (committer != null) {
      committer.close();
    }
    if (writer != null) {
      writer.close();
    }
  }
}
