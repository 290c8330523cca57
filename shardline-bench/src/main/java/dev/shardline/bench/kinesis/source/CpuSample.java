package dev.shardline.bench.kinesis.source;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JVM's CPU at one moment: process CPU time (all threads, the JIT and the GC included, from
 * {@code com.sun.management.OperatingSystemMXBean}), each live Java thread's CPU time, GC time and
 * the wall clock. The difference of two samples says where a measured stretch spent its CPU.
 */
public record CpuSample(
    long wallNanos,
    long processCpuNanos,
    Map<Long, ThreadCpu> threads,
    long gcMillis,
    long threadsStarted) {

  /** One thread's name and CPU time. */
  public record ThreadCpu(String name, long cpuNanos) {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** A sample now. */
  public static CpuSample take() {
    long wall = System.nanoTime();
    long process = OS.getProcessCpuTime();
    Map<Long, ThreadCpu> threads = new HashMap<>();
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long cpu = THREADS.getThreadCpuTime(ids[i]);
      if (infos[i] != null && cpu >= 0) {
        threads.put(ids[i], new ThreadCpu(infos[i].getThreadName(), cpu));
      }
    }
    long gc = 0;
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      gc += Math.max(0, bean.getCollectionTime());
    }
    return new CpuSample(wall, process, threads, gc, THREADS.getTotalStartedThreadCount());
  }

  /** Process CPU seconds from {@code earlier} to this sample. */
  public double cpuSecondsSince(CpuSample earlier) {
    return (processCpuNanos - earlier.processCpuNanos) / 1e9;
  }

  /** Wall seconds from {@code earlier} to this sample. */
  double wallSecondsSince(CpuSample earlier) {
    return (wallNanos - earlier.wallNanos) / 1e9;
  }

  /**
   * Where the CPU went between {@code earlier} and this sample: the Java threads grouped by name
   * (digits dropped, so the two Netty event loops are one line), most first, then what no live Java
   * thread accounts for (the JIT compilers, the GC, the VM, and threads that ended in between),
   * with the number of threads started in between.
   */
  public String breakdownSince(CpuSample earlier) {
    Map<String, Long> byGroup = new TreeMap<>();
    long javaThreads = 0;
    for (Map.Entry<Long, ThreadCpu> e : threads.entrySet()) {
      ThreadCpu before = earlier.threads.get(e.getKey());
      long used = e.getValue().cpuNanos - (before == null ? 0 : before.cpuNanos);
      if (used <= 0) {
        continue;
      }
      javaThreads += used;
      byGroup.merge(e.getValue().name.replaceAll("[0-9]+", "#"), used, Long::sum);
    }
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(byGroup.entrySet());
    sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    StringBuilder out = new StringBuilder();
    double total = processCpuNanos - earlier.processCpuNanos;
    int shown = 0;
    long rest = 0;
    for (Map.Entry<String, Long> e : sorted) {
      if (shown++ < 8) {
        out.append(
            String.format(
                Locale.ROOT,
                "      %-52s %7.2f s %5.1f%%%n",
                e.getKey(),
                e.getValue() / 1e9,
                100 * e.getValue() / total));
      } else {
        rest += e.getValue();
      }
    }
    if (rest > 0) {
      out.append(
          String.format(
              Locale.ROOT,
              "      %-52s %7.2f s %5.1f%%%n",
              "(other Java threads)",
              rest / 1e9,
              100 * rest / total));
    }
    long vm = (processCpuNanos - earlier.processCpuNanos) - javaThreads;
    out.append(
        String.format(
            Locale.ROOT,
            "      %-52s %7.2f s %5.1f%%   (GC time by the GC beans %.2f s; %d threads started)%n",
            "(JIT, GC, VM, threads that ended)",
            vm / 1e9,
            100 * vm / total,
            (gcMillis - earlier.gcMillis) / 1e3,
            threadsStarted - earlier.threadsStarted));
    return out.toString();
  }

  /** The system load average over the last minute, as the OS reports it (-1 if unknown). */
  static double loadAverage() {
    return OS.getSystemLoadAverage();
  }
}
