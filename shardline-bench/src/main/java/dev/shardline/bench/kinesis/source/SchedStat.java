package dev.shardline.bench.kinesis.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How long this JVM's threads waited for a core: the sum over its live threads of Linux's {@code
 * /proc/self/task/N/schedstat} (time on a core, time runnable but waiting in a run queue, time
 * slices). The waiting time per time slice is how late a thread typically runs after it was woken:
 * on a shared, loaded machine it is what a latency's tail is made of. Zeros where there is no
 * {@code /proc}.
 */
record SchedStat(long runNanos, long waitNanos, long slices) {

  static SchedStat take() {
    long run = 0;
    long wait = 0;
    long slices = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String[] fields = Files.readString(task.resolve("schedstat")).trim().split("\\s+");
          run += Long.parseLong(fields[0]);
          wait += Long.parseLong(fields[1]);
          slices += Long.parseLong(fields[2]);
        } catch (IOException | RuntimeException threadEnded) {
          // a thread that ended in between
        }
      }
    } catch (IOException noProc) {
      return new SchedStat(0, 0, 0);
    }
    return new SchedStat(run, wait, slices);
  }

  /** From {@code earlier} to this sample: run-queue wait in total and per time slice. */
  String since(SchedStat earlier) {
    long slices = this.slices - earlier.slices;
    double wait = (waitNanos - earlier.waitNanos) / 1e6;
    return String.format(
        Locale.ROOT,
        "threads waited %.0f ms in run queues over %,d time slices (%.2f ms per slice), on a core"
            + " %.0f ms",
        wait,
        slices,
        slices == 0 ? 0 : wait / slices,
        (runNanos - earlier.runNanos) / 1e6);
  }
}
