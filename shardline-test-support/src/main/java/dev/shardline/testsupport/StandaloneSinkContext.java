package dev.shardline.testsupport;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;
import static dev.shardline.util.Preconditions.checkState;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ProcessingTimeService;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.SinkContext;
import dev.shardline.api.WriterMailbox;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayDeque;
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
 * the writer calls {@code flush} or {@link ManualProcessingTimeService#fireDueTimers()} itself. The
 * {@link #mailbox()} is a {@link Mailbox} on the calling thread: mails wait until the writer yields
 * (in its {@code write} or {@code flush}) or the caller runs them ({@link
 * Mailbox#runPendingMails()}).
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
    ProcessingTimeService processingTimeService,
    WriterMailbox mailbox)
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
    checkNotNull(mailbox, "mailbox");
  }

  /** Writer 0 of 1 of pipeline {@code pipelineName}, with the defaults above. */
  public static StandaloneSinkContext of(String pipelineName) {
    ManualProcessingTimeService timers = new ManualProcessingTimeService(Time.SYSTEM);
    return new StandaloneSinkContext(
        pipelineName,
        0,
        1,
        Optional.empty(),
        OptionalLong.empty(),
        NO_DEAD_LETTERS,
        new SimpleMeterRegistry(),
        Time.SYSTEM,
        timers,
        new Mailbox(Time.SYSTEM, timers));
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
        processingTimeService,
        mailbox);
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
        processingTimeService,
        mailbox);
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
        processingTimeService,
        mailbox);
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
        processingTimeService,
        mailbox);
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
        processingTimeService,
        mailbox);
  }

  /** The clock {@code clock}, and a new {@link ManualProcessingTimeService} and mailbox on it. */
  public StandaloneSinkContext withTime(Time clock) {
    ManualProcessingTimeService timers = new ManualProcessingTimeService(clock);
    return new StandaloneSinkContext(
        pipelineName,
        writerIndex,
        parallelism,
        sinkId,
        restoredCheckpointId,
        deadLetters,
        metrics,
        clock,
        timers,
        new Mailbox(clock, timers));
  }

  /**
   * Timers from {@code timers}, and a new mailbox whose {@code yield} fires them if they are a
   * {@link ManualProcessingTimeService}.
   */
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
        timers,
        new Mailbox(time, timers));
  }

  /**
   * The standalone {@link WriterMailbox}: the thread that drives the writer is the writer's thread.
   * Mails given to {@link #execute} (from any thread) wait in a queue; {@link #yield()} runs the
   * next one, or else fires the due timers of the context's {@link ManualProcessingTimeService}, or
   * else waits for either: for a mail, or until the earliest timer is due. On the system clock that
   * is a real wait, which a mail ends early; on another clock (a {@code ManualTime}) it is {@link
   * Time#sleep}, which moves the clock to the timer at once, since nothing else would move it while
   * the writer's thread waits. With timers that are not a {@link ManualProcessingTimeService}, a
   * yield only runs mails. Thread-safe.
   *
   * <pre>{@code
   * StandaloneSinkContext context = StandaloneSinkContext.of("test").withTime(new ManualTime());
   * SinkWriter<String> writer = sink.createWriter(context);
   * writer.write("a");
   * ((StandaloneSinkContext.Mailbox) context.mailbox()).runPendingMails(); // responses, say
   * }</pre>
   */
  public static final class Mailbox implements WriterMailbox {

    /** The longest a yield waits before it looks at the timers again (one may be registered). */
    private static final long MAX_WAIT_MILLIS = 100;

    private final Time time;
    private final ProcessingTimeService timers;
    // guarded by this
    private final ArrayDeque<Mail> mails = new ArrayDeque<>();
    private boolean closed;

    /**
     * Yields fire {@code timers}' due timers when they are a {@link ManualProcessingTimeService}.
     */
    public Mailbox(Time time, ProcessingTimeService timers) {
      this.time = checkNotNull(time, "time");
      this.timers = checkNotNull(timers, "timers");
    }

    @Override
    public void execute(Mail mail, String description) {
      checkNotNull(mail, "mail");
      synchronized (this) {
        if (!closed) {
          mails.add(mail);
          notifyAll();
        }
      }
    }

    @Override
    public void yield() throws InterruptedException {
      while (true) {
        if (tryYield() || fireDueTimers()) {
          return;
        }
        long waitMillis = MAX_WAIT_MILLIS;
        if (timers instanceof ManualProcessingTimeService manual) {
          List<Long> pending = manual.pendingTimestamps();
          if (!pending.isEmpty()) {
            long delay = pending.get(0) - time.milliseconds();
            if (delay <= 0) {
              continue;
            }
            if (time != Time.SYSTEM) {
              time.sleep(delay);
              continue;
            }
            waitMillis = Math.min(waitMillis, delay);
          }
        }
        synchronized (this) {
          if (mails.isEmpty() && !closed) {
            wait(waitMillis);
          }
        }
      }
    }

    @Override
    public boolean tryYield() {
      Mail mail;
      synchronized (this) {
        checkState(!closed, "The writer's mailbox is closed: no mail will come");
        mail = mails.poll();
      }
      if (mail == null) {
        return false;
      }
      mail.runInYield();
      return true;
    }

    /**
     * Runs every mail queued, including those the mails queue, on the calling thread (as a runtime
     * does while the writer is idle); returns how many ran. A mail's exception passes through (a
     * checked one wrapped), and the mails after it stay queued.
     */
    public int runPendingMails() {
      int ran = 0;
      while (tryYield()) {
        ran++;
      }
      return ran;
    }

    /** How many mails wait to run. */
    public synchronized int pendingMails() {
      return mails.size();
    }

    /**
     * Drops every pending mail and ignores later ones, as a runtime does when the writer closes.
     */
    public synchronized void close() {
      closed = true;
      mails.clear();
      notifyAll();
    }

    private boolean fireDueTimers() {
      if (!(timers instanceof ManualProcessingTimeService manual)) {
        return false;
      }
      try {
        return manual.fireDueTimers() > 0;
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new ShardlineException("A timer callback of the writer failed: " + e, e);
      }
    }
  }
}
