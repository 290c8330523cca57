package dev.shardline.runtime.internal;

import dev.shardline.api.WriterMailbox;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The embedded runner's {@link WriterMailbox} for one writer, on its worker's mailbox. A mail waits
 * in this writer's own queue, and each one posts a message to the worker's mailbox that runs the
 * writer's next mail: so the worker runs it between records (waking up if its source is idle), and
 * a {@link #yield()} in the writer's {@code write} or {@code flush} can take it earlier, without
 * touching the worker's other messages (checkpoints, other writers' mails, the coordinator's
 * calls). A message whose mail a yield already ran finds the queue empty, or runs the next mail a
 * little early, never late: the writer's mails keep their order. The writer's timers ({@link
 * MailboxTimerService}) post their firing here, so a yield wakes when a timer comes due.
 * Thread-safe; yields only on the worker's thread.
 *
 * <p>{@link #close()} (the writer closes, or the worker took its final checkpoint) drops every mail
 * and ignores later ones; a restart makes new workers with new mailboxes.
 */
final class RuntimeWriterMailbox implements WriterMailbox {

  private final Consumer<Action> workerMailbox;
  private final Thread workerThread;

  // guarded by this
  private final ArrayDeque<Mail> mails = new ArrayDeque<>();
  private boolean closed;

  /**
   * @param workerMailbox posts a message to the worker's thread
   * @param workerThread the only thread that may yield
   */
  RuntimeWriterMailbox(Consumer<Action> workerMailbox, Thread workerThread) {
    this.workerMailbox = workerMailbox;
    this.workerThread = workerThread;
  }

  @Override
  public void execute(Mail mail, String description) {
    if (mail == null) {
      throw new NullPointerException("mail cannot be null");
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      mails.add(mail);
      notifyAll();
    }
    workerMailbox.accept(this::runNext);
  }

  /** What the timer service posts: its firing, as a mail of this writer. */
  void post(Action action) {
    execute(action::run, "processing-time timers");
  }

  @Override
  public void yield() throws InterruptedException {
    checkThread();
    Mail mail;
    synchronized (this) {
      while (mails.isEmpty() && !closed) {
        wait();
      }
      mail = next();
    }
    mail.runInYield();
  }

  @Override
  public boolean tryYield() {
    checkThread();
    Mail mail;
    synchronized (this) {
      if (mails.isEmpty()) {
        checkOpen();
        return false;
      }
      mail = next();
    }
    mail.runInYield();
    return true;
  }

  /** Drops every pending mail and ignores later ones; ends a waiting yield. Any thread. */
  synchronized void close() {
    closed = true;
    mails.clear();
    notifyAll();
  }

  /** How many mails wait to run (for tests). */
  synchronized int pendingMails() {
    return mails.size();
  }

  /** The message posted to the worker per mail: runs this writer's next mail, if any is left. */
  private void runNext() throws Exception {
    Mail mail;
    synchronized (this) {
      mail = closed ? null : mails.poll();
    }
    if (mail != null) {
      mail.run();
    }
  }

  // holding the lock
  private Mail next() {
    checkOpen();
    return mails.poll();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(
          "The writer's mailbox is closed (the writer closed or took its final checkpoint): no"
              + " mail will come");
    }
  }

  private void checkThread() {
    if (Thread.currentThread() != workerThread) {
      throw new IllegalStateException(
          "A writer yields only on its worker's thread ("
              + workerThread.getName()
              + "), not on "
              + Thread.currentThread().getName());
    }
  }
}
