package dev.shardline.bench.kinesis.source;

import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.KinesisEndpoint;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The Kinesis source on many shards, on the real runtime {@code Pipeline} (parallelism 1, default
 * options unless said), against kinesalite. Two parts, each in fresh child JVMs ({@code -Xmx1g}):
 *
 * <ul>
 *   <li><b>idle</b>: a pipeline at LATEST on an empty stream of {@code shards} (default 500)
 *       shards, after a warm-up of {@code warmUpSeconds} (default 60: the idle wait has grown to
 *       its maximum), the JVM's CPU in {@code windows} windows of {@code idleSeconds}, as a share
 *       of one core, with the GetRecords calls made in the window (the source's own counter) and
 *       the CPU per call. Contenders, each in its own JVM: {@code source} (the defaults), {@code
 *       fixed} (the source with {@code reader.maxIdleInterval: 1s}, the pace before the idle wait
 *       grew), {@code bare} ({@link BareIdlePolling}: a bare SDK loop polling each shard once a
 *       second, the calls the source made at that pace) and {@code bare10} (the same every 10 s,
 *       the calls the source makes now once its wait has grown).
 *   <li><b>scale</b>: in one JVM, for each shard count (default 10, 500, 1000: one stream each), a
 *       pipeline from TRIM_HORIZON: the time from {@code pipeline.start()} until every shard is
 *       assigned (its per-shard meters registered) and until every shard has had its first
 *       GetRecords; then one record is put on every shard and the time until all are in the sink
 *       (every shard read; the shards were idle, so this is bounded by {@code
 *       reader.maxIdleInterval}); then, with the pipeline running, the heap used after a full GC
 *       and the live thread count. Heap per shard is the difference between two shard counts
 *       divided by the difference in shards.
 * </ul>
 *
 * <p>A harness, not a test: {@code shardline-bench/run-kinesis-source-bench.sh scale idle [shards
 * [idleSeconds [windows [warmUpSeconds [source,fixed,bare,bare10]]]]]} or {@code ... scale scale
 * [10,500,1000]} (see README.md).
 */
public final class KinesisShardScaleBench {
  private static final String IDLE_STREAM = "idle";

  private KinesisShardScaleBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    String part = args.length > 0 ? args[0] : "idle";
    BenchSupport.jsonProtocol();
    System.out.printf(
        Locale.ROOT, "Kinesis source on many shards (%s); %s%n", part, BenchSupport.machine());
    if (part.equals("idle")) {
      int shards = args.length > 1 ? Integer.parseInt(args[1]) : 500;
      String idleSeconds = args.length > 2 ? args[2] : "30";
      String windows = args.length > 3 ? args[3] : "3";
      String warmUp = args.length > 4 ? args[4] : "60";
      List<String> modes =
          List.of((args.length > 5 ? args[5] : "source,fixed,bare,bare10").split(","));
      try (LocalKinesalite kinesalite = LocalKinesalite.builder().shardLimit(shards).start()) {
        kinesalite.createStream(IDLE_STREAM, shards);
        for (String mode : modes) {
          runChild(kinesalite, "idle", mode, idleSeconds, windows, warmUp);
        }
      }
    } else if (part.equals("scale")) {
      String counts = args.length > 1 ? args[1] : "10,500,1000";
      int total = Arrays.stream(counts.split(",")).mapToInt(Integer::parseInt).sum();
      try (LocalKinesalite kinesalite = LocalKinesalite.builder().shardLimit(total).start()) {
        for (String count : counts.split(",")) {
          kinesalite.createStream("scale-" + count, Integer.parseInt(count));
        }
        runChild(kinesalite, "scale", counts);
      }
    } else {
      throw new IllegalArgumentException("part must be idle or scale, not " + part);
    }
  }

  private static void runChild(LocalKinesalite kinesalite, String... args) throws Exception {
    List<String> all = new ArrayList<>();
    all.add("--child");
    all.add(kinesalite.endpoint().toString());
    all.addAll(List.of(args));
    BenchSupport.runChild(KinesisShardScaleBench.class, List.of("-Xmx1g"), all, line -> {});
  }

  // ------------------------------------------------------------------ the measuring JVMs

  private static void child(String[] args) throws Exception {
    BenchSupport.jsonProtocol();
    KinesisEndpoint kinesalite = new BenchSupport.ParentEndpoint(URI.create(args[0]));
    if (args[1].equals("scale")) {
      List<Integer> counts = Arrays.stream(args[2].split(",")).map(Integer::valueOf).toList();
      scale(kinesalite, counts);
      return;
    }
    String mode = args[2];
    int idleSeconds = Integer.parseInt(args[3]);
    int windows = Integer.parseInt(args[4]);
    Duration warmUp = Duration.ofSeconds(Integer.parseInt(args[5]));
    switch (mode) {
      case "source" -> idleSource(kinesalite, null, warmUp, idleSeconds, windows);
      case "fixed" -> idleSource(kinesalite, Duration.ofSeconds(1), warmUp, idleSeconds, windows);
      case "bare" ->
          BareIdlePolling.run(
              kinesalite, IDLE_STREAM, Duration.ofSeconds(1), warmUp, idleSeconds, windows);
      case "bare10" ->
          BareIdlePolling.run(
              kinesalite, IDLE_STREAM, Duration.ofSeconds(10), warmUp, idleSeconds, windows);
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
  }

  private static void idleSource(
      KinesisEndpoint kinesalite,
      Duration maxIdleInterval,
      Duration warmUp,
      int idleSeconds,
      int windows)
      throws Exception {
    Path checkpoints = BenchSupport.tempDirectory();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    var source =
        BenchSupport.source(kinesalite, IDLE_STREAM).startingPosition(StartingPosition.latest());
    if (maxIdleInterval != null) {
      source.option(KinesisSourceOptions.MAX_IDLE_INTERVAL, maxIdleInterval);
    }
    String label =
        maxIdleInterval == null
            ? "the source, default settings"
            : "the source, reader.maxIdleInterval " + maxIdleInterval.toMillis() + " ms";
    Pipeline pipeline =
        Pipeline.from(source.build())
            .to(new CountingSink(false))
            .name("kinesis-idle-scale")
            .checkpointDirectory(checkpoints)
            .restartPolicy(RestartPolicy.none())
            .metrics(metrics)
            .build();
    pipeline.start();
    try {
      Thread.sleep(warmUp.toMillis());
      IdleWindows.measure(
          label + ", LATEST on " + calls(metrics).size() + " empty shards",
          windows,
          idleSeconds,
          () -> getRecordsCalls(metrics));
    } finally {
      pipeline.stop();
      BenchSupport.deleteRecursively(checkpoints);
    }
  }

  private static Collection<Counter> calls(SimpleMeterRegistry metrics) {
    return metrics.find(KinesisMetricNames.GET_RECORDS_CALLS).counters();
  }

  private static double getRecordsCalls(SimpleMeterRegistry metrics) {
    return calls(metrics).stream().mapToDouble(Counter::count).sum();
  }

  private static void scale(KinesisEndpoint kinesalite, List<Integer> counts) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    KinesisAsyncClient client = BenchSupport.asyncClient(kinesalite, http -> http);
    List<long[]> heaps = new ArrayList<>();
    System.out.printf(
        Locale.ROOT,
        "  before any pipeline: heap used after GC %.1f MiB, %d live threads%n",
        heapAfterGc(memory) / 1048576.0,
        ManagementFactory.getThreadMXBean().getThreadCount());
    for (int shards : counts) {
      String stream = "scale-" + shards;
      Path checkpoints = BenchSupport.tempDirectory();
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      CountingSink sink = new CountingSink(false);
      Pipeline pipeline =
          Pipeline.from(
                  BenchSupport.source(kinesalite, stream)
                      .startingPosition(StartingPosition.earliest())
                      .build())
              .to(sink)
              .name("kinesis-scale")
              .checkpointDirectory(checkpoints)
              .restartPolicy(RestartPolicy.none())
              .metrics(metrics)
              .build();
      long started = System.nanoTime();
      pipeline.start();
      try {
        require(
            BenchSupport.await(() -> calls(metrics).size() >= shards, Duration.ofMinutes(3)),
            shards + " shards: not all assigned within 3 minutes");
        long assigned = System.nanoTime();
        require(
            BenchSupport.await(
                () -> calls(metrics).stream().allMatch(c -> c.count() >= 1), Duration.ofMinutes(3)),
            shards + " shards: not every shard called within 3 minutes");
        long called = System.nanoTime();
        Thread.sleep(5_000); // the shards idle, their waits growing
        StreamFiller.fill(client, stream, shards, 100);
        long put = System.nanoTime();
        require(
            BenchSupport.await(() -> sink.records() >= shards, Duration.ofMinutes(3)),
            shards + " shards: not every record read within 3 minutes");
        long read = System.nanoTime();
        long heap = heapAfterGc(memory);
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        heaps.add(new long[] {shards, heap});
        System.out.printf(
            Locale.ROOT,
            "  %d shards: all assigned %.2f s after pipeline.start(), every shard's first"
                + " GetRecords made by %.2f s; one record put on each shard (5 s later), all %d"
                + " read %.2f s after the last put; with the pipeline running: heap used after GC"
                + " %.1f MiB, %d live threads (load average %.2f)%n",
            shards,
            (assigned - started) / 1e9,
            (called - started) / 1e9,
            sink.records(),
            (read - put) / 1e9,
            heap / 1048576.0,
            threads,
            CpuSample.loadAverage());
      } finally {
        pipeline.stop();
        BenchSupport.deleteRecursively(checkpoints);
      }
    }
    for (int i = 1; i < heaps.size(); i++) {
      long[] a = heaps.get(0);
      long[] b = heaps.get(i);
      System.out.printf(
          Locale.ROOT,
          "  heap per shard, %d vs %d shards: %.1f KiB%n",
          a[0],
          b[0],
          (b[1] - a[1]) / 1024.0 / (b[0] - a[0]));
    }
    client.close();
  }

  private static long heapAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
