package dev.shardline.testkit.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A process and every process it started, as the testkit kills them. Thread-safe (stateless). */
public final class ProcessTree {
  private ProcessTree() {}

  /** The descendants of {@code root}, then {@code root}. */
  public static List<ProcessHandle> of(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    tree.add(root);
    return tree;
  }

  /**
   * SIGKILL to every process of the tree at once, as a crash would; returns once they are gone.
   *
   * @throws TimeoutException naming a process still there after {@code timeout}
   */
  public static void kill(ProcessHandle root, Duration timeout)
      throws InterruptedException, TimeoutException {
    List<ProcessHandle> tree = of(root);
    tree.forEach(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new TimeoutException(
            "Process " + handle.pid() + " still there " + timeout.toSeconds() + " s after SIGKILL");
      }
    }
  }
}
