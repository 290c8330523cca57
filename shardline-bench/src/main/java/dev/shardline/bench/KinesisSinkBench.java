package dev.shardline.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.bench.kinesis.source.BenchSupport;
import dev.shardline.bench.kinesis.source.CpuSample;
import dev.shardline.config.Configuration;
import dev.shardline.format.BytesFormat;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.sink.InvalidRecordPolicy;
import dev.shardline.kinesis.sink.KinesisSink;
import dev.shardline.kinesis.sink.KinesisSinkOptions;
import dev.shardline.kinesis.sink.internal.KinesisSinkClient;
import dev.shardline.kinesis.sink.internal.KinesisSinkWriter;
import dev.shardline.kinesis.sink.internal.SenderSettings;
import dev.shardline.kinesis.sink.internal.SinkMetrics;
import dev.shardline.metrics.MetricNames;
import dev.shardline.testkit.kinesis.KinesisClients;
import dev.shardline.testkit.kinesis.KinesisEndpoint;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.testkit.proxy.KinesisQuotaProxy;
import dev.shardline.testkit.proxy.ShardQuotas;
import dev.shardline.testsupport.StandaloneSinkContext;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Throughput and CPU cost of the Kinesis sink. A harness, not a test: run it by hand with {@code
 * shardline-bench/run-kinesis-sink-bench.sh} (see README.md). One writer (one worker thread) writes
 * as fast as it is let, random partition keys; after a warm-up the harness measures for a fixed
 * time.
 *
 * <ul>
 *   <li>{@code proxy-1k}, {@code proxy-100}, {@code proxy-100-agg}: through the {@link
 *       KinesisQuotaProxy} at AWS's write quotas (1 MiB/s and 1,000 records/s per shard) in front
 *       of kinesalite, 4 shards; 1 KiB records, 100-byte records, 100-byte records aggregated.
 *       Reports the share of the per-shard quotas reached.
 *   <li>{@code kinesalite}, {@code kinesalite-agg}: straight to kinesalite (no quotas; the sink's
 *       shard rate off), 4 shards, 100-byte records. Reports records/s and this JVM's CPU seconds
 *       per million records (kinesalite's node process is not counted).
 *   <li>{@code sdk-loop}: the baseline, a bare SDK PutRecords loop (500 records per request, one
 *       request at a time, synchronous client) against kinesalite, same records.
 *   <li>{@code fresh} (or {@code fresh:N} for N rounds, default 3): the issue-13 comparison. Each
 *       round runs {@code kinesalite} (aggregation off) and {@code sdk-loop} each in a fresh JVM
 *       (the order alternating), then prints the ratio of their CPU per million records.
 *   <li>{@code in-memory}: the sink's own cost: the writer against a Kinesis that answers every
 *       PutRecords at once, in memory (no SDK marshalling, no HTTP), 100-byte records.
 * </ul>
 *
 * <p>Arguments (all optional): {@code measureSeconds} (default 20), {@code warmupSeconds} (default
 * 10), then scenarios (default: all).
 */
public final class KinesisSinkBench {
  private static final String STREAM = "bench";
  private static final int SHARDS = 4;
  private static final double MIB = 1024 * 1024;

  private KinesisSinkBench() {}

  public static void main(String[] args) throws Exception {
    int measureSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int warmupSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    List<String> scenarios = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      scenarios.add(args[i]);
    }
    if (scenarios.isEmpty()) {
      scenarios =
          List.of(
              "proxy-1k",
              "proxy-100",
              "proxy-100-agg",
              "kinesalite",
              "kinesalite-agg",
              "sdk-loop",
              "in-memory");
    }
    System.out.printf(
        "Kinesis sink, %d shards, one writer; warm-up %d s, measured %d s; %d cores, %s%n",
        SHARDS,
        warmupSeconds,
        measureSeconds,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    for (String scenario : scenarios) {
      switch (scenario) {
        case "proxy-1k" -> proxy(scenario, 1024, false, warmupSeconds, measureSeconds);
        case "proxy-100" -> proxy(scenario, 100, false, warmupSeconds, measureSeconds);
        case "proxy-100-agg" -> proxy(scenario, 100, true, warmupSeconds, measureSeconds);
        case "kinesalite" -> kinesalite(scenario, false, warmupSeconds, measureSeconds);
        case "kinesalite-agg" -> kinesalite(scenario, true, warmupSeconds, measureSeconds);
        case "sdk-loop" -> sdkLoop(warmupSeconds, measureSeconds);
        case "in-memory" -> inMemory(measureSeconds);
        case "fresh" -> fresh(3, warmupSeconds, measureSeconds);
        default -> {
          if (!scenario.startsWith("fresh:")) {
            throw new IllegalArgumentException("unknown scenario " + scenario);
          }
          fresh(Integer.parseInt(scenario.substring(6)), warmupSeconds, measureSeconds);
        }
      }
    }
  }

  /** The line {@code kinesalite} and {@code sdk-loop} print last: scenario, records/s, CPU-s/M. */
  private static final String RESULT = "RESULT ";

  /**
   * {@code rounds} rounds of {@code kinesalite} (aggregation off) and {@code sdk-loop}, each in a
   * fresh JVM (this harness's JVM options, the order alternating), and the ratio of their CPU per
   * million records per round.
   */
  private static void fresh(int rounds, int warmup, int measure) throws Exception {
    List<String> summary = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      System.out.printf(Locale.ROOT, "round %d of %d, each in a fresh JVM%n", round, rounds);
      Map<String, double[]> measured = new LinkedHashMap<>();
      List<String> order =
          round % 2 == 1 ? List.of("kinesalite", "sdk-loop") : List.of("sdk-loop", "kinesalite");
      for (String scenario : order) {
        BenchSupport.runChild(
            KinesisSinkBench.class,
            List.of("-Xmx1g", "-XX:+UseParallelGC"),
            List.of(Integer.toString(measure), Integer.toString(warmup), scenario),
            line -> {
              if (line.startsWith(RESULT)) {
                String[] f = line.substring(RESULT.length()).split(" ");
                measured.put(
                    f[0], new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])});
              }
            });
      }
      double[] sink = measured.get("kinesalite");
      double[] loop = measured.get("sdk-loop");
      String line =
          String.format(
              Locale.ROOT,
              "round %d: CPU-s per million records, sink (aggregation off) %.2f, bare PutRecords"
                  + " x500 loop %.2f: sink / loop %.2fx; records/s %,.0f / %,.0f (order %s)",
              round,
              sink[1],
              loop[1],
              sink[1] / loop[1],
              sink[0],
              loop[0],
              String.join(",", order));
      System.out.println(line);
      summary.add(line);
    }
    System.out.println("summary (target: sink / loop at most 1.2x):");
    summary.forEach(line -> System.out.println("  " + line));
  }

  private static void proxy(
      String name, int valueBytes, boolean aggregation, int warmup, int measure) throws Exception {
    try (LocalKinesalite kinesalite =
            LocalKinesalite.builder().shardLimit(SHARDS).initialStream(STREAM, SHARDS).start();
        KinesisQuotaProxy proxy =
            KinesisQuotaProxy.builder().upstream(kinesalite).quotas(ShardQuotas.aws()).start()) {
      Result result = write(proxy, valueBytes, aggregation, true, warmup, measure);
      long throttled = proxy.counters().throttledRecords();
      double bytesShare = result.kinesisBytesPerSecond() / (SHARDS * MIB);
      double recordsShare = result.kinesisRecordsPerSecond() / (SHARDS * 1000.0);
      System.out.printf(
          Locale.ROOT,
          "%-15s %6d B records%s: %,9.0f records/s (%.3f MiB/s of data and keys), %,6.0f"
              + " Kinesis records/s, %6.3f MiB/s as Kinesis counts it (%.1f%% of 4 x 1 MiB/s,"
              + " %.1f%% of 4 x 1,000 records/s), %,d throttled by the"
              + " proxy in all; %.0f Kinesis records per request, %.0f ms per request; %.1f CPU-s"
              + " per million%n",
          name,
          valueBytes,
          aggregation ? " aggregated" : "",
          result.recordsPerSecond(),
          result.bytesPerSecond() / MIB,
          result.kinesisRecordsPerSecond(),
          result.kinesisBytesPerSecond() / MIB,
          100 * bytesShare,
          100 * recordsShare,
          throttled,
          result.kinesisRecordsPerRequest(),
          result.meanRequestMillis(),
          result.cpuSecondsPerMillion());
    }
  }

  private static void kinesalite(String name, boolean aggregation, int warmup, int measure)
      throws Exception {
    try (LocalKinesalite kinesalite =
        LocalKinesalite.builder().shardLimit(SHARDS).initialStream(STREAM, SHARDS).start()) {
      Result result = write(kinesalite, 100, aggregation, false, warmup, measure);
      System.out.printf(
          Locale.ROOT,
          "%-15s    100 B records%s: %,9.0f records/s, %,6.0f Kinesis records/s (%.0f per"
              + " request), %.1f CPU-s per million records%n",
          name,
          aggregation ? " aggregated" : "",
          result.recordsPerSecond(),
          result.kinesisRecordsPerSecond(),
          result.kinesisRecordsPerRequest(),
          result.cpuSecondsPerMillion());
      System.out.printf(
          Locale.ROOT,
          "%s%s %.1f %.4f%n",
          RESULT,
          name,
          result.recordsPerSecond(),
          result.cpuSecondsPerMillion());
    }
  }

  private record Result(
      double recordsPerSecond,
      double kinesisRecordsPerSecond,
      double bytesPerSecond,
      double cpuSecondsPerMillion,
      double kinesisRecordsPerRequest,
      double meanRequestMillis,
      double kinesisBytesPerSecond) {}

  private static Result write(
      KinesisEndpoint endpoint,
      int valueBytes,
      boolean aggregation,
      boolean shardRate,
      int warmup,
      int measure)
      throws Exception {
    KinesisSink<byte[]> sink =
        KinesisSink.<byte[]>builder().stream(STREAM)
            .region(AwsRegion.customEndpoint(endpoint.endpoint(), endpoint.region().id()))
            .credentials(AwsCredentials.basic("bench", "bench"))
            .clientProperty("cborEnabled", "false")
            .format(BytesFormat.INSTANCE)
            .aggregation(aggregation)
            .shardRate(shardRate)
            .build();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong written = new AtomicLong();
    byte[][] values = values(valueBytes);
    Thread writerThread;
    try (SinkWriter<byte[]> writer = sink.createWriter(context(metrics))) {
      writerThread =
          new Thread(
              () -> {
                try {
                  long n = 0;
                  while (!stop.get()) {
                    writer.write(values[(int) (n++ & 1023)]);
                    if ((n & 1023) == 0) {
                      written.set(n);
                    }
                  }
                } catch (Exception e) {
                  e.printStackTrace();
                }
              },
              "bench-writer");
      writerThread.start();
      Thread.sleep(warmup * 1000L);
      Sample start = Sample.of(metrics);
      CpuSample threadsAtStart = CpuSample.take();
      Thread.sleep(measure * 1000L);
      Sample end = Sample.of(metrics);
      System.out.print(CpuSample.take().breakdownSince(threadsAtStart));
      stop.set(true);
      writerThread.join();
      double seconds = (end.nanos - start.nanos) / 1e9;
      double records = end.records - start.records;
      return new Result(
          records / seconds,
          (end.kinesisRecords - start.kinesisRecords) / seconds,
          (end.bytes - start.bytes) / seconds,
          (end.cpuNanos - start.cpuNanos) / 1e9 / (records / 1e6),
          (end.kinesisRecords - start.kinesisRecords) / (end.requests - start.requests),
          (end.requestNanos - start.requestNanos) / 1e6 / (end.requests - start.requests),
          (end.kinesisBytes - start.kinesisBytes) / seconds);
    }
  }

  private static void sdkLoop(int warmup, int measure) throws Exception {
    try (LocalKinesalite kinesalite =
            LocalKinesalite.builder().shardLimit(SHARDS).initialStream(STREAM, SHARDS).start();
        KinesisClient client =
            KinesisClients.builder(kinesalite.endpoint()).cbor(false).buildSync()) {
      byte[][] values = values(100);
      long warmupEnd = System.nanoTime() + warmup * 1_000_000_000L;
      loop(client, values, () -> System.nanoTime() < warmupEnd);
      long cpuStart = cpuNanos();
      CpuSample threadsAtStart = CpuSample.take();
      long start = System.nanoTime();
      long end = start + measure * 1_000_000_000L;
      long records = loop(client, values, () -> System.nanoTime() < end);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = (cpuNanos() - cpuStart) / 1e9;
      System.out.print(CpuSample.take().breakdownSince(threadsAtStart));
      System.out.printf(
          Locale.ROOT,
          "%-15s    100 B records: %,9.0f records/s, %.1f CPU-s per million records (bare SDK"
              + " PutRecords loop, 500 per request)%n",
          "sdk-loop",
          records / seconds,
          cpu / (records / 1e6));
      System.out.printf(
          Locale.ROOT, "%ssdk-loop %.1f %.4f%n", RESULT, records / seconds, cpu / (records / 1e6));
      List<Shard> shards = client.listShards(b -> b.streamName(STREAM)).shards();
      if (shards.size() != SHARDS) {
        throw new IllegalStateException("expected " + SHARDS + " shards, found " + shards.size());
      }
    }
  }

  private static void inMemory(int measure) throws Exception {
    List<PutRecordsResultEntry> accepted = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      accepted.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000").build());
    }
    KinesisSinkClient instant =
        new KinesisSinkClient() {
          @Override
          public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            return CompletableFuture.completedFuture(
                PutRecordsResponse.builder()
                    .records(accepted.subList(0, request.records().size()))
                    .failedRecordCount(0)
                    .build());
          }

          @Override
          public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
            return CompletableFuture.completedFuture(
                ListShardsResponse.builder()
                    .shards(
                        Shard.builder()
                            .shardId("shardId-000000000000")
                            .hashKeyRange(
                                h ->
                                    h.startingHashKey("0")
                                        .endingHashKey("340282366920938463463374607431768211455"))
                            .sequenceNumberRange(r -> r.startingSequenceNumber("0"))
                            .build())
                    .build());
          }

          @Override
          public void close() {}
        };
    Configuration config =
        KinesisSinkOptions.OPTIONS.validate(
            Configuration.builder()
                .set(KinesisSinkOptions.STREAM, STREAM)
                .set(KinesisSinkOptions.SHARD_RATE_ENABLED, false)
                .build());
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    StandaloneSinkContext context = StandaloneSinkContext.of("bench");
    try (KinesisSinkWriter<byte[]> writer =
        new KinesisSinkWriter<>(
            new KinesisSinkWriter.Parts<>(
                instant,
                SenderSettings.from(config),
                Time.SYSTEM,
                new SinkMetrics(metrics, STREAM),
                BytesFormat.INSTANCE,
                STREAM,
                null,
                null,
                null,
                InvalidRecordPolicy.FAIL,
                null,
                Duration.ofSeconds(5),
                context.processingTimeService(),
                context.mailbox()))) { // the loop writes and flushes
      byte[][] values = values(100);
      for (int i = 0; i < 2_000_000; i++) { // warm-up
        writer.write(values[i & 1023]);
      }
      writer.flush();
      long cpuStart = cpuNanos();
      long start = System.nanoTime();
      long end = start + measure * 1_000_000_000L;
      long records = 0;
      while (System.nanoTime() < end) {
        for (int i = 0; i < 100_000; i++) {
          writer.write(values[i & 1023]);
        }
        records += 100_000;
      }
      writer.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "%-15s    100 B records: %,9.0f records/s, %.2f CPU-s per million records (the sink"
              + " alone: random key, MD5, queues, requests built, answers applied)%n",
          "in-memory",
          records / seconds,
          (cpuNanos() - cpuStart) / 1e9 / (records / 1e6));
    }
  }

  private static long loop(KinesisClient client, byte[][] values, BooleanSupplier go) {
    long records = 0;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (go.getAsBoolean()) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>(500);
      for (int i = 0; i < 500; i++) {
        entries.add(
            PutRecordsRequestEntry.builder()
                .partitionKey(new java.util.UUID(random.nextLong(), random.nextLong()).toString())
                .data(SdkBytes.fromByteArrayUnsafe(values[(int) (records + i) & 1023]))
                .build());
      }
      PutRecordsResponse response = client.putRecords(b -> b.streamName(STREAM).records(entries));
      records += 500 - response.failedRecordCount();
    }
    return records;
  }

  private static byte[][] values(int size) {
    byte[][] values = new byte[1024][];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < values.length; i++) {
      values[i] = new byte[size];
      for (int j = 0; j < size; j++) {
        values[i][j] = (byte) ('a' + random.nextInt(26));
      }
    }
    return values;
  }

  private static long cpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private record Sample(
      long nanos,
      long cpuNanos,
      double records,
      double bytes,
      double kinesisRecords,
      double requests,
      double requestNanos,
      double kinesisBytes) {
    static Sample of(MeterRegistry metrics) {
      return new Sample(
          System.nanoTime(),
          KinesisSinkBench.cpuNanos(),
          metrics.get(MetricNames.SINK_RECORDS).counter().count(),
          metrics.get(MetricNames.SINK_BYTES).counter().count(),
          metrics.get("shardline.sink.kinesis.records").counter().count(),
          metrics.get(MetricNames.REQUESTS).timer().count(),
          metrics.get(MetricNames.REQUESTS).timer().totalTime(TimeUnit.NANOSECONDS),
          metrics.get("shardline.sink.kinesis.bytes").counter().count());
    }
  }

  private static SinkContext context(MeterRegistry metrics) {
    return StandaloneSinkContext.of("bench").withMetrics(metrics);
  }
}
