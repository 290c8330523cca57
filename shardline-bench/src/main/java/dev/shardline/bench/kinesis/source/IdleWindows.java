package dev.shardline.bench.kinesis.source;

import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Measures an idle stretch of this JVM: {@code windows} consecutive windows of {@code seconds},
 * each printed as CPU seconds and a share of one core, with the calls made in the window ({@code
 * calls} counts them all along), their rate and the CPU per call, the load average and where the
 * CPU went by thread.
 */
final class IdleWindows {
  private IdleWindows() {}

  static void measure(String label, int windows, int seconds, DoubleSupplier calls)
      throws InterruptedException {
    CpuSample start = CpuSample.take();
    double callsAtStart = calls.getAsDouble();
    for (int window = 1; window <= windows; window++) {
      Thread.sleep(seconds * 1_000L);
      CpuSample end = CpuSample.take();
      double callsAtEnd = calls.getAsDouble();
      double cpu = end.cpuSecondsSince(start);
      double wall = end.wallSecondsSince(start);
      double n = callsAtEnd - callsAtStart;
      System.out.printf(
          Locale.ROOT,
          "  idle, %s, window %d, %.1f s: %.3f CPU-s = %.2f%% of a core; %.0f GetRecords calls"
              + " (%.1f/s, %.2f ms CPU per call) (load average %.2f)%n",
          label,
          window,
          wall,
          cpu,
          100 * cpu / wall,
          n,
          n / wall,
          n == 0 ? 0 : 1000 * cpu / n,
          CpuSample.loadAverage());
      System.out.print(end.breakdownSince(start));
      start = end;
      callsAtStart = callsAtEnd;
    }
  }
}
