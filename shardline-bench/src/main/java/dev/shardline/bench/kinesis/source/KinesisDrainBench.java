package dev.shardline.bench.kinesis.source;

import dev.shardline.config.DataSize;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.KinesisEndpoint;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Drains a pre-filled kinesalite stream (default 4 shards, 1,000,000 records of 100 bytes) and
 * reports records per second and the reading JVM's CPU seconds per million records, for: a bare SDK
 * GetRecords loop on the synchronous client (Apache), the same on the asynchronous client (Netty,
 * set up as the source sets up its own), and the Kinesis source through the real runtime {@code
 * Pipeline} (parallelism 1, checkpoints every 10 s) into a sink that only counts, once with the
 * default pacing (at most 5 calls/s and 2 MiB/s per shard, AWS's quotas) and once with the byte
 * budget lifted. The stream is filled once with a bare PutRecords loop, then read from TRIM_HORIZON
 * by each contender in turn, for {@code rounds} rounds (the first also warms up the JIT).
 *
 * <p>CPU is the process's CPU time ({@code com.sun.management.OperatingSystemMXBean}): every
 * thread, the JIT and the GC; kinesalite runs in its own (node) process and is not counted. Two
 * windows: from the start (the pipeline's start, or the first call of a loop; in the {@code fresh}
 * mode the loop's start is before it builds its client, as the pipeline's start builds the
 * source's) to the last record, and from the first record to the last.
 *
 * <p>With {@code fresh} as the contenders, each round runs each of four contenders in a fresh JVM
 * (the bare sync loop on one thread, the bare sync loop with a thread per shard, the bare async
 * loop, the source with the default pacing; the order rotates from round to round), so every one
 * pays class loading and the JIT as a short run does, and the round prints the ratios of the
 * source's CPU per million records to each loop's.
 *
 * <p>A harness, not a test: {@code shardline-bench/run-kinesis-source-bench.sh drain [records
 * [rounds [shards [all|bare|shardline|fresh]]]]} (see README.md).
 */
public final class KinesisDrainBench {
  static final String STREAM = "drain";
  static final int RECORD_BYTES = 100;

  private KinesisDrainBench() {}

  /** The contenders of the {@code fresh} mode, each run in a JVM of its own. */
  private static final List<String> FRESH = List.of("sync", "threads", "async", "shardline");

  /**
   * The line a child prints last: contender, records/s, CPU-s per million from the start and from
   * the JVM start.
   */
  private static final String RESULT = "RESULT ";

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(args[1], URI.create(args[2]), Long.parseLong(args[3]));
      return;
    }
    long records = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int shards = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    // all, bare (the SDK loops only) or shardline (the source only, e.g. to profile it)
    String contenders = args.length > 3 ? args[3] : "all";
    boolean bare = !contenders.equals("shardline");
    boolean shardline = !contenders.equals("bare");
    BenchSupport.jsonProtocol();
    System.out.printf(
        Locale.ROOT,
        "Kinesis source drain: %,d records of %d bytes in %d kinesalite shards, %d round(s); %s%n",
        records,
        RECORD_BYTES,
        shards,
        rounds,
        BenchSupport.machine());
    try (LocalKinesalite kinesalite =
        LocalKinesalite.builder().shardLimit(Math.max(10, shards)).start()) {
      kinesalite.createStream(STREAM, shards);
      StreamFiller.fill(kinesalite.asyncClient(), STREAM, records, RECORD_BYTES);
      if (contenders.equals("fresh")) {
        freshRounds(kinesalite, records, rounds);
        return;
      }
      try (KinesisClient sync = syncClient(kinesalite);
          KinesisAsyncClient async = asyncClient(kinesalite)) {
        for (int round = 1; round <= rounds; round++) {
          System.out.printf(Locale.ROOT, "round %d of %d (%s)%n", round, rounds, load());
          if (bare) {
            measureLoop(
                "bare SDK GetRecords loop, sync client (Apache 5), 1 thread",
                records,
                () -> BareGetRecordsLoop.drainSync(sync, STREAM, records));
            measureLoop(
                "bare SDK GetRecords loop, async client (Netty), all shards at once",
                records,
                () -> BareGetRecordsLoop.drainAsync(async, STREAM, records));
          }
          if (!shardline) {
            continue;
          }
          measureSource(
              "shardline KinesisSource -> Pipeline (p=1) -> counting sink, default pacing",
              kinesalite,
              records,
              1,
              b -> b);
          measureSource(
              "shardline KinesisSource -> Pipeline (p=1) -> counting sink, byte budget lifted",
              kinesalite,
              records,
              1,
              b -> b.option(KinesisSourceOptions.SHARD_READ_RATE, DataSize.ofMebibytes(1024)));
        }
      }
    }
  }

  /**
   * Each round: each contender of {@link #FRESH} in a fresh JVM (the order rotating), then the
   * ratios of the source's CPU per million records to each bare loop's; at the end, all rounds.
   */
  private static void freshRounds(LocalKinesalite kinesalite, long records, int rounds)
      throws Exception {
    List<String> summary = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      System.out.printf(
          Locale.ROOT, "round %d of %d, each in a fresh JVM (%s)%n", round, rounds, load());
      Map<String, Measured> measured = new LinkedHashMap<>();
      for (int i = 0; i < FRESH.size(); i++) {
        String contender = FRESH.get((i + round - 1) % FRESH.size());
        BenchSupport.runChild(
            KinesisDrainBench.class,
            List.of("-Xmx1g"),
            List.of("--child", contender, kinesalite.endpoint().toString(), Long.toString(records)),
            line -> {
              if (line.startsWith(RESULT)) {
                String[] f = line.substring(RESULT.length()).split(" ");
                measured.put(
                    f[0],
                    new Measured(
                        Double.parseDouble(f[1]),
                        Double.parseDouble(f[2]),
                        Double.parseDouble(f[3])));
              }
            });
      }
      Measured sync = measured.get("sync");
      Measured threads = measured.get("threads");
      Measured async = measured.get("async");
      Measured source = measured.get("shardline");
      String ratios =
          String.format(
              Locale.ROOT,
              "round %d: CPU-s per million records from the start (the pipeline's start, the"
                  + " loop's building its client): sync loop %.2f, sync loop a thread per shard"
                  + " %.2f, async loop %.2f, shardline %.2f; shardline / sync loop %.2fx, / sync"
                  + " loop a thread per shard %.2fx, / async loop %.2fx. From the JVM's start:"
                  + " %.2f, %.2f, %.2f, %.2f; shardline / sync loop %.2fx, / a thread per shard"
                  + " %.2fx, / async loop %.2fx. Records/s %,.0f / %,.0f / %,.0f / %,.0f (order"
                  + " %s)",
              round,
              sync.cpuSecondsPerMillion(),
              threads.cpuSecondsPerMillion(),
              async.cpuSecondsPerMillion(),
              source.cpuSecondsPerMillion(),
              source.cpuSecondsPerMillion() / sync.cpuSecondsPerMillion(),
              source.cpuSecondsPerMillion() / threads.cpuSecondsPerMillion(),
              source.cpuSecondsPerMillion() / async.cpuSecondsPerMillion(),
              sync.jvmCpuSecondsPerMillion(),
              threads.jvmCpuSecondsPerMillion(),
              async.jvmCpuSecondsPerMillion(),
              source.jvmCpuSecondsPerMillion(),
              source.jvmCpuSecondsPerMillion() / sync.jvmCpuSecondsPerMillion(),
              source.jvmCpuSecondsPerMillion() / threads.jvmCpuSecondsPerMillion(),
              source.jvmCpuSecondsPerMillion() / async.jvmCpuSecondsPerMillion(),
              sync.recordsPerSecond(),
              threads.recordsPerSecond(),
              async.recordsPerSecond(),
              source.recordsPerSecond(),
              String.join(",", measured.keySet()));
      System.out.println(ratios);
      summary.add(ratios);
    }
    System.out.println(
        "summary (target: shardline / sync loop at most 1.2x; the source has a call in flight per"
            + " shard, as the loop with a thread per shard does):");
    summary.forEach(line -> System.out.println("  " + line));
  }

  /**
   * The measuring JVM of the {@code fresh} mode: drains the parent's stream once with {@code
   * contender} and prints its figures, then a {@link #RESULT} line for the parent.
   */
  private static void child(String contender, URI endpoint, long records) throws Exception {
    BenchSupport.jsonProtocol();
    KinesisEndpoint kinesalite = new BenchSupport.ParentEndpoint(endpoint);
    Measured measured =
        switch (contender) {
          case "sync" ->
              measureSyncLoop(
                  "bare SDK GetRecords loop, sync client (Apache 5), 1 thread, fresh JVM",
                  kinesalite,
                  records,
                  sync -> BareGetRecordsLoop.drainSync(sync, STREAM, records));
          case "threads" ->
              measureSyncLoop(
                  "bare SDK GetRecords loop, sync client (Apache 5), a thread per shard, fresh JVM",
                  kinesalite,
                  records,
                  sync -> BareGetRecordsLoop.drainSyncThreadPerShard(sync, STREAM, records));
          case "async" -> {
            CpuSample start = CpuSample.take();
            try (KinesisAsyncClient async = asyncClient(kinesalite)) {
              yield measureLoop(
                  "bare SDK GetRecords loop, async client (Netty), all shards at once, fresh JVM",
                  records,
                  start,
                  () -> BareGetRecordsLoop.drainAsync(async, STREAM, records));
            }
          }
          case "shardline" ->
              measureSource(
                  "shardline KinesisSource -> Pipeline (p=1) -> counting sink, default pacing,"
                      + " fresh JVM",
                  kinesalite,
                  records,
                  1,
                  b -> b);
          default -> throw new IllegalArgumentException("unknown contender " + contender);
        };
    System.out.printf(
        Locale.ROOT,
        "%s%s %.1f %.4f %.4f%n",
        RESULT,
        contender,
        measured.recordsPerSecond(),
        measured.cpuSecondsPerMillion(),
        measured.jvmCpuSecondsPerMillion());
  }

  /**
   * {@code drain} on a synchronous client of its own, measured from before the client is built, as
   * the pipeline's start builds the source's.
   */
  private static Measured measureSyncLoop(
      String label,
      KinesisEndpoint kinesalite,
      long records,
      Function<KinesisClient, BareGetRecordsLoop.Drained> drain) {
    CpuSample start = CpuSample.take();
    try (KinesisClient sync = syncClient(kinesalite)) {
      return measureLoop(label, records, start, () -> drain.apply(sync));
    }
  }

  private interface Drain {
    BareGetRecordsLoop.Drained run();
  }

  private static Measured measureLoop(String label, long expected, Drain drain) {
    return measureLoop(label, expected, CpuSample.take(), drain);
  }

  /** {@code drain} run and reported, from {@code start}. */
  private static Measured measureLoop(String label, long expected, CpuSample start, Drain drain) {
    BareGetRecordsLoop.Drained drained = drain.run();
    CpuSample end = CpuSample.take();
    if (drained.records() < expected) {
      throw new IllegalStateException(label + ": read " + drained.records() + " of " + expected);
    }
    Measured measured = report(label, drained.records(), start, null, end);
    System.out.printf(
        Locale.ROOT,
        "      %,d GetRecords calls, %.0f records per call%n",
        drained.calls(),
        (double) drained.records() / drained.calls());
    return measured;
  }

  /**
   * Drains {@link #STREAM} from TRIM_HORIZON with the source through the runtime {@code Pipeline}
   * at {@code parallelism} (a checkpoint every 10 s) into a {@link CountingSink}, and reports it.
   */
  static Measured measureSource(
      String label,
      KinesisEndpoint kinesalite,
      long expected,
      int parallelism,
      UnaryOperator<KinesisSource.Builder<byte[]>> options)
      throws Exception {
    Path checkpoints = BenchSupport.tempDirectory();
    CountingSink sink = new CountingSink(false);
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    Pipeline pipeline =
        Pipeline.from(
                options
                    .apply(
                        BenchSupport.source(kinesalite, STREAM)
                            .startingPosition(StartingPosition.earliest()))
                    .build())
            .to(sink)
            .name("kinesis-drain")
            .parallelism(parallelism)
            .checkpointInterval(Duration.ofSeconds(10))
            .checkpointDirectory(checkpoints)
            .restartPolicy(RestartPolicy.none())
            .metrics(metrics)
            .build();
    CpuSample start = CpuSample.take();
    pipeline.start();
    CpuSample first;
    try {
      first = awaitRecords(label, sink, expected, pipeline::isDone);
    } catch (IllegalStateException e) {
      pipeline.stop();
      throw e;
    }
    CpuSample end = CpuSample.take();
    // per-shard meters leave the registry when the reader closes: read them first
    double calls =
        metrics.find(KinesisMetricNames.GET_RECORDS_CALLS).counters().stream()
            .mapToDouble(Counter::count)
            .sum();
    pipeline.stop();
    Measured measured = report(label, sink.records(), start, first, end);
    System.out.printf(
        Locale.ROOT,
        "      %,.0f GetRecords calls, %.0f records per call; %d checkpoints%n",
        calls,
        sink.records() / calls,
        pipeline.completedCheckpoints());
    BenchSupport.deleteRecursively(checkpoints);
    return measured;
  }

  /**
   * Waits until {@code sink} holds {@code expected} records; returns the sample taken when the
   * first record was seen. The harness thread sleeps until the sink's writers wake it (the first
   * record, then the last), checking {@code ended} once a second: a harness that polled every 20 ms
   * cost the source's figure 0.25 CPU-s per million records on a quiet machine and 0.9 on a loaded
   * one, which the bare loops, counting on their own thread, do not pay. Throws when {@code ended}
   * says the run ended first, or after 15 minutes.
   */
  static CpuSample awaitRecords(
      String label, CountingSink sink, long expected, BooleanSupplier ended)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
    while (!sink.awaitFirst(Duration.ofSeconds(1))) {
      checkRunning(label, sink, expected, ended, deadline);
    }
    CpuSample first = CpuSample.take();
    while (!sink.awaitRecords(expected, Duration.ofSeconds(1))) {
      checkRunning(label, sink, expected, ended, deadline);
    }
    return first;
  }

  private static void checkRunning(
      String label, CountingSink sink, long expected, BooleanSupplier ended, long deadline) {
    if (ended.getAsBoolean() || System.nanoTime() > deadline) {
      throw new IllegalStateException(
          label + ": " + sink.records() + " of " + expected + " records, then stopped");
    }
  }

  /**
   * What one contender's drain measured, from its start to the last record; and the JVM's CPU from
   * its own start (class loading, building clients, the JIT) to the last record, per million: what
   * a fresh JVM that does nothing else costs.
   */
  record Measured(
      double recordsPerSecond, double cpuSecondsPerMillion, double jvmCpuSecondsPerMillion) {}

  /**
   * Prints one contender's figures: from the start to the last record, and (when {@code first} is
   * given) from the first record to the last; then where the CPU went.
   */
  static Measured report(
      String label, long records, CpuSample start, CpuSample first, CpuSample end) {
    double wall = end.wallSecondsSince(start);
    double cpu = end.cpuSecondsSince(start);
    System.out.printf(Locale.ROOT, "  %s%n", label);
    System.out.printf(
        Locale.ROOT,
        "    start to last record: %,d records in %.2f s = %,.0f records/s; CPU %.2f s ="
            + " %.2f CPU-s per million records (%.0f%% of a core)%n",
        records,
        wall,
        records / wall,
        cpu,
        cpu * 1e6 / records,
        100 * cpu / wall);
    if (first != null) {
      double wallFirst = end.wallSecondsSince(first);
      double cpuFirst = end.cpuSecondsSince(first);
      System.out.printf(
          Locale.ROOT,
          "    first to last record: %.2f s = %,.0f records/s; CPU %.2f s = %.2f CPU-s per million"
              + " (first record %.2f s after the start, %.2f CPU-s until then)%n",
          wallFirst,
          records / wallFirst,
          cpuFirst,
          cpuFirst * 1e6 / records,
          first.wallSecondsSince(start),
          first.cpuSecondsSince(start));
    }
    System.out.print(end.breakdownSince(start));
    double jvmCpu = end.processCpuNanos() / 1e9;
    System.out.printf(
        Locale.ROOT,
        "    JVM start to last record: CPU %.2f s = %.2f CPU-s per million records%n",
        jvmCpu,
        jvmCpu * 1e6 / records);
    return new Measured(records / wall, cpu * 1e6 / records, jvmCpu * 1e6 / records);
  }

  static String load() {
    return String.format(Locale.ROOT, "load average %.2f", CpuSample.loadAverage());
  }

  /** The synchronous client a plain program would use: Apache 5, the SDK's defaults. */
  private static KinesisClient syncClient(KinesisEndpoint kinesalite) {
    return KinesisClient.builder()
        .httpClient(Apache5HttpClient.builder().build())
        .endpointOverride(kinesalite.endpoint())
        .region(kinesalite.region())
        .credentialsProvider(kinesalite.credentials())
        .build();
  }

  /** The asynchronous client as the source builds its own. */
  private static KinesisAsyncClient asyncClient(KinesisEndpoint kinesalite) {
    return BenchSupport.asyncClient(kinesalite, http -> http);
  }
}
