package dev.shardline.flink.internal;

import dev.shardline.api.WriterMailbox;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The mailbox of a writer that lives inside a source reader (the reader's dead-letter writer):
 * Flink gives a source reader no mailbox, so mails queue here and run on the reader's thread when
 * the writer yields or the reader calls {@link #runPending()} (at each poll and before each
 * snapshot). A yield that finds nothing waits for a mail, running the writer's due timers as they
 * come; it blocks the reader's thread meanwhile, which only a dead-letter sink that is slow to
 * answer makes noticeable.
 */
public final class ReaderThreadMailbox implements WriterMailbox {
  /** How long a yield waits before it looks at the timers again. */
  private static final long TIMER_CHECK_MILLIS = 10;

  private final LinkedBlockingQueue<Mail> mails = new LinkedBlockingQueue<>();
  private final PolledTimers timers;
  private volatile boolean closed;

  public ReaderThreadMailbox(PolledTimers timers) {
    this.timers = timers;
  }

  @Override
  public void execute(Mail mail, String description) {
    if (!closed) {
      mails.add(mail);
    }
  }

  @Override
  public void yield() throws InterruptedException {
    checkOpen();
    while (true) {
      Mail mail = mails.poll();
      if (mail != null) {
        mail.runInYield();
        return;
      }
      if (runDueTimers()) {
        return;
      }
      mail = mails.poll(TIMER_CHECK_MILLIS, TimeUnit.MILLISECONDS);
      if (mail != null) {
        mail.runInYield();
        return;
      }
    }
  }

  @Override
  public boolean tryYield() {
    checkOpen();
    Mail mail = mails.poll();
    if (mail != null) {
      mail.runInYield();
      return true;
    }
    return runDueTimers();
  }

  /** Runs every pending mail and due timer (the reader's thread, between its own calls). */
  public void runPending() throws Exception {
    Mail mail;
    while (!closed && (mail = mails.poll()) != null) {
      mail.run();
    }
    timers.runDue();
  }

  private boolean runDueTimers() {
    try {
      return timers.runDue() > 0;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new dev.shardline.api.ShardlineException("A timer of the writer failed: " + e, e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("The writer is closed: its mailbox takes no more yields");
    }
  }

  /** Drops every pending and later mail. */
  public void close() {
    closed = true;
    mails.clear();
  }
}
