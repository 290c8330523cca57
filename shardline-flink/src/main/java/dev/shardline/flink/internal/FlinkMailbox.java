package dev.shardline.flink.internal;

import dev.shardline.api.WriterMailbox;
import java.util.concurrent.RejectedExecutionException;
import org.apache.flink.api.common.operators.MailboxExecutor;

/**
 * A writer's mailbox on Flink: Flink's own {@link MailboxExecutor} of the sink operator, as Flink's
 * {@code AsyncSinkWriter} uses it. Mails run on the task thread; a yield runs the next mail of the
 * operator (its timers included). After {@link #close()} mails are dropped, as the contract asks
 * (Flink would refuse them once the task ends).
 */
public final class FlinkMailbox implements WriterMailbox {
  private final MailboxExecutor flink;
  private volatile boolean closed;

  public FlinkMailbox(MailboxExecutor flink) {
    this.flink = flink;
  }

  @Override
  public void execute(Mail mail, String description) {
    if (closed) {
      return;
    }
    try {
      flink.execute(
          () -> {
            if (!closed) {
              mail.run();
            }
          },
          description);
    } catch (RejectedExecutionException e) {
      // the task is ending: a dropped mail is what the contract says happens after close
    }
  }

  @Override
  public void yield() throws InterruptedException {
    if (closed) {
      throw new IllegalStateException("The writer is closed: its mailbox takes no more yields");
    }
    flink.yield();
  }

  @Override
  public boolean tryYield() {
    if (closed) {
      throw new IllegalStateException("The writer is closed: its mailbox takes no more yields");
    }
    return flink.tryYield();
  }

  /** Drops every later mail. */
  public void close() {
    closed = true;
  }
}
