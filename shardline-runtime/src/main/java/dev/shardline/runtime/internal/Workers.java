package dev.shardline.runtime.internal;

import dev.shardline.api.ShardlineException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker threads of one execution as the coordinator sees them: started, sent checkpoint
 * barriers and notifications through their mailboxes, named in messages (with where each one is),
 * and stopped at the end. Used on the coordinator thread only; each {@link Worker} runs on its own.
 */
final class Workers {
  // the coordinator's log, under one name whichever of its parts writes
  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

  private final String pipelineName;
  private final Worker[] workers;
  private final Duration exitGrace;

  /**
   * @param exitGrace how long a worker may take to stop, and then to stop once interrupted
   */
  Workers(String pipelineName, int parallelism, Duration exitGrace) {
    this.pipelineName = pipelineName;
    this.workers = new Worker[parallelism];
    this.exitGrace = exitGrace;
  }

  void set(int index, Worker worker) {
    workers[index] = worker;
  }

  Worker get(int index) {
    return workers[index];
  }

  /** Starts every worker's thread; each then creates its reader and writers. */
  void start() {
    for (Worker worker : workers) {
      worker.start();
    }
  }

  /** Appends the barrier of checkpoint {@code checkpointId} to every worker's mailbox. */
  void checkpoint(long checkpointId, boolean isFinal) {
    for (Worker worker : workers) {
      worker.post(() -> worker.checkpoint(checkpointId, isFinal));
    }
  }

  /** Tells every worker that checkpoint {@code checkpointId} is stored. */
  void notifyCheckpointComplete(long checkpointId) {
    for (Worker worker : workers) {
      worker.post(() -> worker.notifyCheckpointComplete(checkpointId));
    }
  }

  /** The workers still creating their reader or writers, which cannot take a checkpoint yet. */
  List<Integer> stillStarting() {
    List<Integer> starting = new ArrayList<>();
    for (int i = 0; i < workers.length; i++) {
      if (!workers[i].isStarted()) {
        starting.add(i);
      }
    }
    return starting;
  }

  /** E.g. {@code worker 0 (thread shardline-orders-worker-0, in com.acme.Sink$Writer.flush)}. */
  String describe(List<Integer> indexes) {
    List<String> described = new ArrayList<>();
    for (int i : indexes) {
      Thread thread = workers[i].thread();
      String where = "";
      for (StackTraceElement frame : thread.getStackTrace()) {
        String cls = frame.getClassName();
        if (!cls.startsWith("java.")
            && !cls.startsWith("jdk.")
            && !cls.startsWith("sun.")
            && !cls.startsWith(Execution.class.getPackageName() + ".")) {
          where =
              ", in "
                  + cls
                  + "."
                  + frame.getMethodName()
                  + (frame.getFileName() == null
                      ? ""
                      : "(" + frame.getFileName() + ":" + frame.getLineNumber() + ")");
          break;
        }
      }
      described.add(i + " (thread " + thread.getName() + where + ")");
    }
    return (indexes.size() == 1 ? "worker " : "workers ") + String.join(", ", described);
  }

  /** Attaches the stacks of workers {@code indexes} to {@code failure}, as of {@code when}. */
  void attachStacks(Throwable failure, List<Integer> indexes, String when) {
    for (int i : indexes) {
      attachStack(failure, workers[i].thread(), when);
    }
  }

  private static void attachStack(Throwable failure, Thread thread, String when) {
    Throwable trace = new Throwable("Stack of " + thread.getName() + " " + when);
    trace.setStackTrace(thread.getStackTrace());
    failure.addSuppressed(trace);
  }

  /**
   * Stops the workers and waits for them. After a graceful end ({@code drain}) each runs what its
   * mailbox holds first, the final checkpoint's notification among it, and a failure there fails
   * the run; after a failure (or a stop while a worker is still starting) each stops at its next
   * record boundary, and one still creating its reader or writers is interrupted at once. A worker
   * still alive {@link #exitGrace} after it was interrupted fails the pipeline for good: it still
   * owns its reader and writers, and a new run would write to the same part files and transactions.
   */
  void stop(boolean drain) throws Exception {
    for (Worker worker : workers) {
      if (worker != null) {
        if (drain) {
          worker.postExit();
        } else {
          worker.requestExit();
          if (!worker.isStarted() && worker.thread().getState() != Thread.State.NEW) {
            // still creating its reader or writers (it reads no mailbox yet): waiting on a
            // server, say; nothing of it is in a checkpoint, so interrupt it now
            worker.thread().interrupt();
          }
        }
      }
    }
    List<Thread> stuck = new ArrayList<>();
    for (Worker worker : workers) {
      if (worker == null || worker.thread().getState() == Thread.State.NEW) {
        continue;
      }
      Thread thread = worker.thread();
      try {
        thread.join(exitGrace.toMillis());
        if (thread.isAlive()) {
          LOG.warn("{} did not stop within {}; interrupting it", thread.getName(), exitGrace);
          thread.interrupt();
          thread.join(exitGrace.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        stuck.add(thread);
      }
    }
    if (!stuck.isEmpty()) {
      throw stuck(stuck);
    }
    if (drain) {
      for (int i = 0; i < workers.length; i++) {
        if (workers[i] != null && workers[i].failure() != null) {
          throw new WorkerFailedException(pipelineName, i, workers[i].failure());
        }
      }
    }
  }

  private FatalPipelineException stuck(List<Thread> stuck) {
    List<String> names = stuck.stream().map(Thread::getName).toList();
    String grace =
        exitGrace.toMillis() % 1000 == 0
            ? exitGrace.toSeconds() + " s"
            : exitGrace.toMillis() + " ms";
    ShardlineException e =
        new ShardlineException(
            "Pipeline '"
                + pipelineName
                + "' cannot restart: worker thread(s) "
                + String.join(", ", names)
                + " did not stop within "
                + grace
                + ", nor within "
                + grace
                + " of being interrupted (stack traces attached). Such a thread still holds its"
                + " source reader and sink writers, and a new run would write to the same part"
                + " files and transactions, so the pipeline fails instead. Find what blocks it"
                + " without heeding interrupts (a function or connector), then restart the JVM;"
                + " the pipeline resumes from its last checkpoint.");
    for (Thread thread : stuck) {
      attachStack(e, thread, "when given up on");
    }
    return new FatalPipelineException(e);
  }
}
