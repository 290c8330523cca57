package dev.shardline.bench;

import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.runtime.Pipeline;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the embedded runner: an unbounded generator of ~100-byte JSON events into a
 * discarding sink, checkpointing every second, at parallelism 1 and 2 (or the ones given). Reports
 * records per second per worker thread, measured from the runner's own {@code
 * shardline.pipeline.records.out} counters after a warm-up, and the checkpoints completed in the
 * measured window with their mean duration (from the {@code shardline.pipeline.checkpoint.duration}
 * timer's count and total at the window's start and end). A harness, not a test: run it by hand
 * with {@code shardline-bench/run-bench.sh} (see README.md).
 *
 * <p>Arguments (all optional): {@code measureSeconds} (default 10), {@code warmupSeconds} (default
 * 5), then parallelisms (default 1 2).
 */
public final class PipelineThroughputBench {
  /** With 16 keys and 7- to 8-digit sequence numbers, events are 99 to 101 characters. */
  private static final int PAYLOAD_CHARS = 56;

  private PipelineThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int measureSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int warmupSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<Integer> parallelisms = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      parallelisms.add(Integer.parseInt(args[i]));
    }
    if (parallelisms.isEmpty()) {
      parallelisms = List.of(1, 2);
    }
    System.out.printf(
        "generator (json events, %d-char payload) -> discarding sink, checkpoint every 1 s;"
            + " warm-up %d s, measured %d s; %d cores, %s%n",
        PAYLOAD_CHARS,
        warmupSeconds,
        measureSeconds,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    for (int parallelism : parallelisms) {
      run(parallelism, warmupSeconds, measureSeconds);
    }
  }

  private static void run(int parallelism, int warmupSeconds, int measureSeconds) throws Exception {
    Path checkpoints = Files.createTempDirectory("shardline-bench-");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DiscardingSink sink = new DiscardingSink();
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.jsonEvents(16, PAYLOAD_CHARS).build())
            .to(sink)
            .name("bench-p" + parallelism)
            .parallelism(parallelism)
            .checkpointInterval(Duration.ofSeconds(1))
            .checkpointDirectory(checkpoints)
            .metrics(registry)
            .build();
    pipeline.start();
    Thread.sleep(warmupSeconds * 1000L);
    Timer checkpointTimer = registry.get("shardline.pipeline.checkpoint.duration").timer();
    long startRecords = recordsOut(registry);
    long startNanos = System.nanoTime();
    long startCheckpoints = checkpointTimer.count();
    double startCheckpointMillis = checkpointTimer.totalTime(TimeUnit.MILLISECONDS);
    Thread.sleep(measureSeconds * 1000L);
    long records = recordsOut(registry) - startRecords;
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    // the window's checkpoints only: not the warm-up's, nor the final one of stop()
    long completed = checkpointTimer.count() - startCheckpoints;
    double windowCheckpointMillis =
        checkpointTimer.totalTime(TimeUnit.MILLISECONDS) - startCheckpointMillis;
    pipeline.stop();
    double perSecond = records / seconds;
    double meanMillis = completed == 0 ? Double.NaN : windowCheckpointMillis / completed;
    System.out.printf(
        Locale.ROOT,
        "parallelism %d: %,.0f records/s total, %,.0f records/s per worker thread,"
            + " %.1f MB/s; mean record %.1f bytes; %d checkpoints (mean %.2f ms)%n",
        parallelism,
        perSecond,
        perSecond / parallelism,
        perSecond * sink.meanRecordLength() / 1e6,
        sink.meanRecordLength(),
        completed,
        meanMillis);
    deleteRecursively(checkpoints);
  }

  private static long recordsOut(SimpleMeterRegistry registry) {
    double sum = 0;
    for (FunctionCounter counter :
        registry.find("shardline.pipeline.records.out").functionCounters()) {
      sum += counter.count();
    }
    return (long) sum;
  }

  private static void deleteRecursively(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
