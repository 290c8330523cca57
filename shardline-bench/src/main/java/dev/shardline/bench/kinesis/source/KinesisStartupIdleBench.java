package dev.shardline.bench.kinesis.source;

import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.KinesisClients;
import dev.shardline.testkit.kinesis.KinesisEndpoint;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Time from start to the first record, and CPU while idle, of the Kinesis source on the real
 * runtime {@code Pipeline} (parallelism 1, default options: checkpoints every 10 s, discovery every
 * 10 s, an idle shard polled 1 s after its first empty answer, then less often up to every 10 s),
 * against kinesalite.
 *
 * <p>The parent starts kinesalite with two 4-shard streams, {@code startup} (1,000 records) and
 * {@code idle} (none), then runs the measurements in a fresh child JVM, so the first start pays
 * what a real first start pays (class loading, the SDK's and Netty's initialization, the JIT):
 *
 * <ol>
 *   <li>cold: the child's first pipeline, from TRIM_HORIZON on {@code startup}: time from {@code
 *       pipeline.start()} (and from the JVM's start) to the first record in the sink;
 *   <li>warm: the same again in the same JVM;
 *   <li>latest: a pipeline at LATEST on {@code startup}, idle; a record is put 5 times, and the
 *       time from the PutRecord's answer to the record in the sink is reported (a quiet shard is
 *       polled 1 s after its last answer with records, then after 2 s, 4 s, ... up to 10 s);
 *   <li>idle: a pipeline at LATEST on the empty {@code idle} stream, after a 5 s warm-up: the JVM's
 *       CPU in {@code windows} (default 4) consecutive windows of {@code idleSeconds} (default 30),
 *       each as a share of one core (the first windows still pay for the JIT: code that runs a few
 *       times a second takes minutes to be compiled); for reference, the same JVM with no pipeline
 *       (10 s), and, in another fresh JVM, a bare SDK loop ({@link BareIdlePolling}) polling each
 *       shard once a second (the source's pace before its idle wait grew) over the same windows.
 *       {@link KinesisShardScaleBench} measures idle CPU on 500 shards.
 * </ol>
 *
 * <p>A harness, not a test: {@code shardline-bench/run-kinesis-source-bench.sh startup [idleSeconds
 * [windows [shards]]]} (see README.md).
 */
public final class KinesisStartupIdleBench {
  private static final String STARTUP_STREAM = "startup";
  private static final String IDLE_STREAM = "idle";

  private KinesisStartupIdleBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(args[1], URI.create(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      return;
    }
    int idleSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int windows = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int shards = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    BenchSupport.jsonProtocol();
    System.out.printf(
        Locale.ROOT,
        "Kinesis source start-up and idle CPU: %d kinesalite shards; %s%n",
        shards,
        BenchSupport.machine());
    try (LocalKinesalite kinesalite = LocalKinesalite.builder().start()) {
      kinesalite.createStream(STARTUP_STREAM, shards);
      kinesalite.createStream(IDLE_STREAM, shards);
      StreamFiller.fill(kinesalite.asyncClient(), STARTUP_STREAM, 1_000, 100);
      // each in a fresh JVM, so neither inherits the other's compiled code
      runChild(kinesalite, "source", idleSeconds, windows);
      runChild(kinesalite, "bare", idleSeconds, windows);
    }
  }

  private static void runChild(
      LocalKinesalite kinesalite, String mode, int idleSeconds, int windows) throws Exception {
    BenchSupport.runChild(
        KinesisStartupIdleBench.class,
        List.of("-Xmx1g"),
        List.of(
            "--child",
            mode,
            kinesalite.endpoint().toString(),
            Integer.toString(idleSeconds),
            Integer.toString(windows)),
        line -> {});
  }

  // ------------------------------------------------------------------ the measuring JVM

  private static void child(String mode, URI endpoint, int idleSeconds, int windows)
      throws Exception {
    long mainAtUptime = ManagementFactory.getRuntimeMXBean().getUptime();
    KinesisEndpoint kinesalite = new BenchSupport.ParentEndpoint(endpoint);
    System.out.printf(
        Locale.ROOT,
        "  measuring JVM (%s): main() reached %d ms after the JVM started%n",
        mode,
        mainAtUptime);
    if (mode.equals("bare")) {
      BareIdlePolling.run(
          kinesalite,
          IDLE_STREAM,
          Duration.ofSeconds(1),
          Duration.ofSeconds(5),
          idleSeconds,
          windows);
      return;
    }
    firstRecord("cold (first pipeline of the JVM), TRIM_HORIZON", kinesalite, true);
    firstRecord("warm (second pipeline), TRIM_HORIZON", kinesalite, false);
    latestLatency(kinesalite);
    idleCpu(kinesalite, idleSeconds, windows);
  }

  private static void firstRecord(String label, KinesisEndpoint kinesalite, boolean cold)
      throws Exception {
    Path checkpoints = BenchSupport.tempDirectory();
    CountingSink sink = new CountingSink(false);
    CpuSample before = CpuSample.take();
    long started = System.nanoTime();
    Pipeline pipeline =
        Pipeline.from(
                BenchSupport.source(kinesalite, STARTUP_STREAM)
                    .startingPosition(StartingPosition.earliest())
                    .build())
            .to(sink)
            .name("kinesis-startup")
            .checkpointDirectory(checkpoints)
            .restartPolicy(RestartPolicy.none())
            .build();
    long built = System.nanoTime();
    pipeline.start();
    if (!BenchSupport.await(() -> sink.records() > 0, Duration.ofSeconds(60))) {
      throw new IllegalStateException(label + ": no record within 60 s");
    }
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
    CpuSample first = CpuSample.take();
    System.out.printf(
        Locale.ROOT,
        "  %s: first record %.0f ms after pipeline.start() (%.0f ms after building the source"
            + " and pipeline began%s); CPU until then %.2f s%n",
        label,
        (sink.firstRecordNanos() - built) / 1e6,
        (sink.firstRecordNanos() - started) / 1e6,
        cold ? String.format(Locale.ROOT, ", %d ms after the JVM started", uptime) : "",
        first.cpuSecondsSince(before));
    pipeline.stop();
    BenchSupport.deleteRecursively(checkpoints);
  }

  private static void latestLatency(KinesisEndpoint kinesalite) throws Exception {
    Path checkpoints = BenchSupport.tempDirectory();
    CountingSink sink = new CountingSink(false);
    Pipeline pipeline =
        Pipeline.from(
                BenchSupport.source(kinesalite, STARTUP_STREAM)
                    .startingPosition(StartingPosition.latest())
                    .build())
            .to(sink)
            .name("kinesis-latest")
            .checkpointDirectory(checkpoints)
            .restartPolicy(RestartPolicy.none())
            .build();
    pipeline.start();
    Thread.sleep(3_000); // iterators taken, shards idle
    List<Double> latencies = new ArrayList<>();
    try (KinesisClient client =
        KinesisClients.sync(
            kinesalite.endpoint(), kinesalite.region(), kinesalite.credentials(), false)) {
      for (int i = 0; i < 5; i++) {
        long before = sink.records();
        client.putRecord(
            b ->
                b.streamName(STARTUP_STREAM)
                    .partitionKey("latency")
                    .data(SdkBytes.fromUtf8String("latency probe")));
        long put = System.nanoTime();
        if (!BenchSupport.await(() -> sink.records() > before, Duration.ofSeconds(30))) {
          throw new IllegalStateException("latest: the record written after the start never came");
        }
        latencies.add((System.nanoTime() - put) / 1e6);
        Thread.sleep(1_300 + 170L * i); // land at different points of the idle poll
      }
    }
    pipeline.stop();
    BenchSupport.deleteRecursively(checkpoints);
    System.out.printf(
        Locale.ROOT,
        "  LATEST, idle shards: record written -> in the sink: %s ms (mean %.0f, max %.0f)%n",
        latencies.stream().map(l -> String.format(Locale.ROOT, "%.0f", l)).toList(),
        latencies.stream().mapToDouble(d -> d).average().orElse(0),
        latencies.stream().mapToDouble(d -> d).max().orElse(0));
  }

  private static void idleCpu(KinesisEndpoint kinesalite, int idleSeconds, int windows)
      throws Exception {
    System.gc();
    Thread.sleep(1_000);
    CpuSample quietStart = CpuSample.take();
    Thread.sleep(10_000);
    CpuSample quietEnd = CpuSample.take();
    System.out.printf(
        Locale.ROOT,
        "  the same JVM with no pipeline, 10 s: %.3f CPU-s = %.2f%% of a core%n",
        quietEnd.cpuSecondsSince(quietStart),
        100 * quietEnd.cpuSecondsSince(quietStart) / quietEnd.wallSecondsSince(quietStart));

    Path checkpoints = BenchSupport.tempDirectory();
    CountingSink sink = new CountingSink(false);
    Pipeline pipeline =
        Pipeline.from(
                BenchSupport.source(kinesalite, IDLE_STREAM)
                    .startingPosition(StartingPosition.latest())
                    .build())
            .to(sink)
            .name("kinesis-idle")
            .checkpointDirectory(checkpoints)
            .restartPolicy(RestartPolicy.none())
            .build();
    pipeline.start();
    Thread.sleep(5_000);
    CpuSample first = CpuSample.take();
    CpuSample start = first;
    for (int window = 1; window <= windows; window++) {
      Thread.sleep(idleSeconds * 1_000L);
      CpuSample end = CpuSample.take();
      double cpu = end.cpuSecondsSince(start);
      double wall = end.wallSecondsSince(start);
      System.out.printf(
          Locale.ROOT,
          "  idle: a pipeline at LATEST on %s (no records), window %d: %.0f-%.0f s after the"
              + " start: %.3f CPU-s = %.2f%% of a core (load average %.2f)%n",
          IDLE_STREAM,
          window,
          5 + start.wallSecondsSince(first),
          5 + end.wallSecondsSince(first),
          cpu,
          100 * cpu / wall,
          CpuSample.loadAverage());
      System.out.print(end.breakdownSince(start));
      start = end;
    }
    pipeline.stop();
    BenchSupport.deleteRecursively(checkpoints);
  }
}
