package dev.shardline.bench.kinesis.source;

import dev.shardline.bench.kinesis.source.KinesisDrainBench.Measured;
import dev.shardline.flink.FlinkSink;
import dev.shardline.flink.FlinkSource;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The Kinesis source on Flink against the same source on the embedded runner, in one JVM: both
 * drain the same pre-filled kinesalite stream (default 4 shards, 1,000,000 records of 100 bytes)
 * from TRIM_HORIZON at parallelism 2 with a checkpoint every 10 s into a sink that only counts
 * ({@link CountingSink}), then both idle at LATEST on an empty 4-shard stream.
 *
 * <ul>
 *   <li><b>embedded</b>: {@code KinesisSource} through the runtime {@code Pipeline}, as {@link
 *       KinesisDrainBench} runs it (there at parallelism 1);
 *   <li><b>Flink</b>: {@code FlinkSource.of(KinesisSource)} into {@code FlinkSink.of(CountingSink)}
 *       (one chained task per slot), as a user would write the job: no watermarks, the default
 *       record type (generic, Kryo) and object reuse off; submitted to a {@code MiniCluster} (1
 *       TaskManager, 2 slots, file checkpoint storage, no restarts) started once before the rounds
 *       and reused, so its start-up is reported on its own and not counted in any round.
 * </ul>
 *
 * <p>Each round runs both, the order alternating from round to round (the machine's load drifts);
 * per contender records/s and CPU-s per million records from the start ({@code pipeline.start()},
 * or the job's submission) to the last record and from the first record to the last, then the ratio
 * Flink / embedded. Idle: the JVM with the MiniCluster up and no job, then each engine at LATEST on
 * the empty stream after a 10 s warm-up, CPU over {@code windows} windows of {@code idleSeconds} as
 * a share of one core. CPU is the process's ({@link CpuSample}: every thread, the JIT and the GC);
 * kinesalite runs in its own process and is not counted.
 *
 * <p>A harness, not a test: {@code shardline-bench/run-kinesis-source-bench.sh flink [records
 * [rounds [shards [idleSeconds [windows [all|embedded|flink]]]]]]} (see README.md).
 */
public final class FlinkKinesisDrainBench {
  private static final String IDLE_STREAM = "idle";
  private static final int PARALLELISM = 2;
  private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
  private static final Duration IDLE_WARM_UP = Duration.ofSeconds(10);

  private FlinkKinesisDrainBench() {}

  public static void main(String[] args) throws Exception {
    long records = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int shards = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int idleSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
    int windows = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    // all, embedded or flink (one engine only, e.g. to profile it)
    String contenders = args.length > 5 ? args[5] : "all";
    boolean embedded = !contenders.equals("flink");
    boolean flink = !contenders.equals("embedded");
    // Flink logs every job's and task's life at INFO
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.flink", "warn");
    BenchSupport.jsonProtocol();
    System.out.printf(
        Locale.ROOT,
        "Kinesis source drain, Flink MiniCluster vs embedded runner, parallelism %d: %,d records of"
            + " %d bytes in %d kinesalite shards, %d round(s); idle %d x %d s; %s%n",
        PARALLELISM,
        records,
        KinesisDrainBench.RECORD_BYTES,
        shards,
        rounds,
        windows,
        idleSeconds,
        BenchSupport.machine());
    Path checkpoints = BenchSupport.tempDirectory();
    try (LocalKinesalite kinesalite =
        LocalKinesalite.builder().shardLimit(Math.max(10, 2 * shards)).start()) {
      kinesalite.createStream(KinesisDrainBench.STREAM, shards);
      kinesalite.createStream(IDLE_STREAM, shards);
      if (records > 0) {
        StreamFiller.fill(
            kinesalite.asyncClient(),
            KinesisDrainBench.STREAM,
            records,
            KinesisDrainBench.RECORD_BYTES);
      }
      MiniCluster cluster = startMiniCluster(checkpoints);
      try {
        List<String> ratios = new ArrayList<>();
        for (int round = 1; round <= rounds && records > 0; round++) {
          System.out.printf(
              Locale.ROOT, "round %d of %d (%s)%n", round, rounds, KinesisDrainBench.load());
          Measured onEmbedded = null;
          Measured onFlink = null;
          // alternate the order: the machine's load drifts
          for (int turn = 0; turn < 2; turn++) {
            if ((turn == 0) == (round % 2 == 1)) {
              if (embedded) {
                onEmbedded = drainEmbedded(kinesalite, records);
              }
            } else if (flink) {
              onFlink = drainOnFlink(cluster, kinesalite, records);
            }
          }
          if (onEmbedded != null && onFlink != null) {
            String ratio =
                String.format(
                    Locale.ROOT,
                    "round %d: Flink / embedded: CPU per million %.2f / %.2f = %.2fx;"
                        + " records/s %,.0f / %,.0f = %.2fx",
                    round,
                    onFlink.cpuSecondsPerMillion(),
                    onEmbedded.cpuSecondsPerMillion(),
                    onFlink.cpuSecondsPerMillion() / onEmbedded.cpuSecondsPerMillion(),
                    onFlink.recordsPerSecond(),
                    onEmbedded.recordsPerSecond(),
                    onFlink.recordsPerSecond() / onEmbedded.recordsPerSecond());
            ratios.add(ratio);
            System.out.println("  " + ratio);
          }
        }
        if (idleSeconds > 0 && windows > 0) {
          idle(cluster, kinesalite, idleSeconds, windows, embedded, flink);
        }
        if (!ratios.isEmpty()) {
          System.out.println("summary (target: Flink at most 1.3x the embedded CPU per million):");
          ratios.forEach(r -> System.out.println("  " + r));
        }
      } finally {
        cluster.close();
      }
    } finally {
      BenchSupport.deleteRecursively(checkpoints);
    }
  }

  /**
   * One TaskManager with a slot per subtask, REST on a free loopback port, checkpoints to files
   * under {@code checkpoints}, no restarts (a failure ends the round). Reports its start-up.
   */
  private static MiniCluster startMiniCluster(Path checkpoints) throws Exception {
    Configuration config = new Configuration();
    config.set(RestOptions.ADDRESS, "127.0.0.1");
    config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    config.set(RestOptions.BIND_PORT, "0");
    config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(PARALLELISM)
                .setCommonBindAddress("127.0.0.1")
                .build());
    CpuSample before = CpuSample.take();
    cluster.start();
    CpuSample after = CpuSample.take();
    System.out.printf(
        Locale.ROOT,
        "  MiniCluster (1 TaskManager, %d slots) started in %.2f s, %.2f CPU-s (not counted in"
            + " the rounds)%n",
        PARALLELISM,
        after.wallSecondsSince(before),
        after.cpuSecondsSince(before));
    return cluster;
  }

  private static Measured drainEmbedded(LocalKinesalite kinesalite, long records) throws Exception {
    return KinesisDrainBench.measureSource(
        "embedded: KinesisSource -> Pipeline (p=2) -> counting sink",
        kinesalite,
        records,
        PARALLELISM,
        b -> b);
  }

  private static Measured drainOnFlink(
      MiniCluster cluster, LocalKinesalite kinesalite, long records) throws Exception {
    String label =
        "Flink: FlinkSource.of(KinesisSource) (p=2) -> FlinkSink.of(counting sink), MiniCluster";
    CountingSink sink = new CountingSink(false);
    StreamGraph job =
        job(
            "kinesis-drain",
            BenchSupport.source(kinesalite, KinesisDrainBench.STREAM)
                .startingPosition(StartingPosition.earliest())
                .build(),
            sink);
    CpuSample start = CpuSample.take();
    JobID id = cluster.submitJob(job).get().getJobID();
    CompletableFuture<JobResult> result = cluster.requestJobResult(id);
    CpuSample first;
    try {
      first = KinesisDrainBench.awaitRecords(label, sink, records, result::isDone);
    } catch (IllegalStateException e) {
      throw failed(e, result);
    }
    CpuSample end = CpuSample.take();
    long checkpoints =
        cluster
            .getExecutionGraph(id)
            .get()
            .getCheckpointStatsSnapshot()
            .getCounts()
            .getNumberOfCompletedCheckpoints();
    cancel(cluster, id);
    Measured measured = KinesisDrainBench.report(label, sink.records(), start, first, end);
    System.out.printf(Locale.ROOT, "      %d checkpoints%n", checkpoints);
    return measured;
  }

  /**
   * The job a user would write: the source with no watermarks into the counting sink, both at
   * {@link #PARALLELISM} (so chained into one task per slot), a checkpoint every 10 s.
   */
  private static StreamGraph job(String name, KinesisSource<byte[]> source, CountingSink sink) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    env.enableCheckpointing(CHECKPOINT_INTERVAL.toMillis());
    env.fromSource(
            FlinkSource.of(source), WatermarkStrategy.<KinesisRecord<byte[]>>noWatermarks(), name)
        .uid("kinesis")
        .sinkTo(FlinkSink.<KinesisRecord<byte[]>>of(sink))
        .uid("count");
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(name);
    return graph;
  }

  private static void cancel(MiniCluster cluster, JobID id) throws Exception {
    cluster.cancelJob(id).get();
    cluster.requestJobResult(id).get();
  }

  /** {@code e}, with the job's own failure as its cause when the job failed. */
  private static Exception failed(IllegalStateException e, CompletableFuture<JobResult> result)
      throws Exception {
    if (result.isDone() && result.get().getSerializedThrowable().isPresent()) {
      e.initCause(
          result
              .get()
              .getSerializedThrowable()
              .get()
              .deserializeError(FlinkKinesisDrainBench.class.getClassLoader()));
    }
    return e;
  }

  // ------------------------------------------------------------------ idle

  private static void idle(
      MiniCluster cluster,
      LocalKinesalite kinesalite,
      int idleSeconds,
      int windows,
      boolean embedded,
      boolean flink)
      throws Exception {
    System.out.printf(Locale.ROOT, "idle (%s)%n", KinesisDrainBench.load());
    System.gc();
    Thread.sleep(1_000);
    List<Double> quiet = cpuWindows("the JVM with the MiniCluster up, no job", idleSeconds, 1);
    List<Double> onEmbedded = List.of();
    List<Double> onFlink = List.of();
    if (embedded) {
      Path checkpoints = BenchSupport.tempDirectory();
      Pipeline pipeline =
          Pipeline.from(idleSource(kinesalite))
              .to(new CountingSink(false))
              .name("kinesis-idle")
              .parallelism(PARALLELISM)
              .checkpointInterval(CHECKPOINT_INTERVAL)
              .checkpointDirectory(checkpoints)
              .restartPolicy(RestartPolicy.none())
              .build();
      pipeline.start();
      Thread.sleep(IDLE_WARM_UP.toMillis());
      onEmbedded =
          cpuWindows(
              "embedded: a pipeline (p=2) at LATEST on " + IDLE_STREAM + " (no records)",
              idleSeconds,
              windows);
      pipeline.stop();
      BenchSupport.deleteRecursively(checkpoints);
    }
    if (flink) {
      JobID id =
          cluster
              .submitJob(job("kinesis-idle", idleSource(kinesalite), new CountingSink(false)))
              .get()
              .getJobID();
      Thread.sleep(IDLE_WARM_UP.toMillis());
      onFlink =
          cpuWindows(
              "Flink: a job (p=2) at LATEST on " + IDLE_STREAM + " (no records)",
              idleSeconds,
              windows);
      if (cluster.requestJobResult(id).isDone()) {
        throw new IllegalStateException("The idle Flink job ended by itself");
      }
      cancel(cluster, id);
    }
    System.out.printf(
        Locale.ROOT,
        "idle summary, share of one core (target on Flink: at most 5%%): no job %s; embedded %s;"
            + " Flink %s%n",
        percentages(quiet),
        percentages(onEmbedded),
        percentages(onFlink));
  }

  private static KinesisSource<byte[]> idleSource(LocalKinesalite kinesalite) {
    return BenchSupport.source(kinesalite, IDLE_STREAM)
        .startingPosition(StartingPosition.latest())
        .build();
  }

  /** The JVM's CPU in {@code windows} consecutive windows, each printed as a share of one core. */
  private static List<Double> cpuWindows(String label, int seconds, int windows)
      throws InterruptedException {
    List<Double> shares = new ArrayList<>();
    CpuSample start = CpuSample.take();
    for (int window = 1; window <= windows; window++) {
      Thread.sleep(seconds * 1_000L);
      CpuSample end = CpuSample.take();
      double share = end.cpuSecondsSince(start) / end.wallSecondsSince(start);
      shares.add(share);
      System.out.printf(
          Locale.ROOT,
          "  %s, window %d of %d (%.1f s): %.3f CPU-s = %.2f%% of a core (load average %.2f)%n",
          label,
          window,
          windows,
          end.wallSecondsSince(start),
          end.cpuSecondsSince(start),
          100 * share,
          CpuSample.loadAverage());
      System.out.print(end.breakdownSince(start));
      start = end;
    }
    return shares;
  }

  private static String percentages(List<Double> shares) {
    if (shares.isEmpty()) {
      return "-";
    }
    return String.join(
        " / ", shares.stream().map(s -> String.format(Locale.ROOT, "%.1f%%", 100 * s)).toList());
  }
}
