package dev.shardline.bench.kinesis.source;

import dev.shardline.api.Sink;
import dev.shardline.kinesis.aggregation.RecordAggregator;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.config.KinesisSourceOptions.ConsumerLifecycle;
import dev.shardline.kinesis.config.KinesisSourceOptions.ReaderType;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.LocalKinesis;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The Kinesis source's two reader types, polling and enhanced fan-out, side by side in one run
 * against one kinesis-local (the testkit's {@link LocalKinesis}, fan-out served over HTTP/1.1: over
 * plain-text HTTP/2 it delivers each event one tick late), each on the embedded runtime's {@code
 * Pipeline} at parallelism 1 into a sink that only measures:
 *
 * <ol>
 *   <li><b>latency</b>: 4 shards, a producer putting 20 records/s per shard (PutRecords of one
 *       record per shard every 50 ms, each record's value its id), the source at LATEST; after a
 *       warm-up, for {@code latencySeconds}: the time from the PutRecords answer to the record's
 *       receipt in the sink ({@code nanoTime}, same JVM), p50 / p99 / max; and for fan-out, what
 *       the reader itself adds: from the event's arrival at the client ({@link ArrivalStamps}, a
 *       proxy factory wrapping the SDK proxy) to the record's receipt;
 *   <li><b>drain</b>: a 4-shard stream pre-filled with {@code drainRecords} user records of 100
 *       bytes in KPL aggregates (kinesis-local writes only ~900 records/s), read from TRIM_HORIZON
 *       by a bare SDK GetRecords loop and a bare SubscribeToShard loop (both de-aggregating) and by
 *       the source with each reader type: CPU-s per million user records, 2 rounds (the first warms
 *       the JIT);
 *   <li><b>heap</b>: heap used after GC with a pipeline at LATEST on a 5-shard and on a {@code
 *       heapShards}-shard stream, every shard subscribed (fan-out) or polled, against none: per
 *       shard;
 *   <li><b>idle</b>: CPU of a pipeline at LATEST on an empty stream of 4 and of {@code idleShards}
 *       shards, in {@code windows} windows of {@code idleSeconds} after a 10 s warm-up, as a share
 *       of one core.
 * </ol>
 *
 * <p>Fan-out sources use a stream consumer the harness registers itself (lifecycle {@code user},
 * one consumer per pipeline), and {@code clientConfigProperties.maxConcurrency: 250}: over HTTP/1.1
 * each subscription holds a connection, and the default (50) is fewer than 100 shards. CPU is the
 * process's (every thread, the JIT and the GC); kinesis-local (node) is not counted, but it shares
 * the machine.
 *
 * <p>A harness, not a test: {@code shardline-bench/run-kinesis-source-bench.sh fanout
 * [latencySeconds [drainRecords [heapShards [idleShards [idleSeconds [windows
 * [all|latency|drain|heap|idle]]]]]]]} (see README.md).
 */
public final class KinesisFanOutBench {
  private static final int LATENCY_SHARDS = 4;
  private static final int RECORDS_PER_SECOND_PER_SHARD = 20;
  private static final Duration WARM_UP = Duration.ofSeconds(10);
  private static final int RECORD_BYTES = 100;
  private static final int USER_RECORDS_PER_AGGREGATE = 500;

  /**
   * GetRecords limit of the drain (aggregates of ~53 KB: ~1 MiB answers), for the bare loop and the
   * polling source: kinesis-local takes over 30 s (the read timeout) to answer 10 MB.
   */
  private static final int DRAIN_MAX_RECORDS = 20;

  private static final String FAN_OUT_CONNECTIONS = "250";

  /** The KCL 3.5.1 figures of issue 12 (fan-out over HTTP/1.1 against kinesis-local). */
  private static final String KCL_LATENCY = "525 / 1,235 ms";

  private static final Map<String, String[]> TABLE = new LinkedHashMap<>();
  private static int consumers;

  private KinesisFanOutBench() {}

  public static void main(String[] args) throws Exception {
    int latencySeconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    long drainRecords = args.length > 1 ? Long.parseLong(args[1].replace("_", "")) : 200_000;
    int heapShards = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    int idleShards = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    int idleSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 30;
    int windows = args.length > 5 ? Integer.parseInt(args[5]) : 2;
    Set<String> parts =
        args.length > 6 && !args[6].equals("all")
            ? Set.of(args[6].split(","))
            : Set.of("latency", "drain", "heap", "idle");
    System.out.printf(
        Locale.ROOT,
        "Kinesis fan-out vs polling against kinesis-local over HTTP/1.1; %s%n",
        BenchSupport.machine());
    try (LocalKinesis kinesis = LocalKinesis.builder().shardLimit(500).logLevel("WARN").start()) {
      if (parts.contains("latency")) {
        for (ReaderType type : ReaderType.values()) {
          latency(kinesis, type, latencySeconds);
        }
      }
      if (parts.contains("drain")) {
        drain(kinesis, drainRecords);
      }
      if (parts.contains("heap")) {
        for (ReaderType type : ReaderType.values()) {
          heap(kinesis, type, heapShards);
        }
      }
      if (parts.contains("idle")) {
        quietJvm();
        for (int shards : new int[] {4, idleShards}) {
          kinesis.createStream("idle-" + shards, shards);
          for (ReaderType type : ReaderType.values()) {
            idle(kinesis, type, "idle-" + shards, shards, idleSeconds, windows);
          }
        }
      }
    }
    printTable();
  }

  // ---------------------------------------------------------------- latency

  private static void latency(LocalKinesis kinesis, ReaderType type, int seconds) throws Exception {
    String stream = "latency-" + name(type);
    kinesis.createStream(stream, LATENCY_SHARDS);
    ArrivalStamps stamps = type == ReaderType.FAN_OUT ? new ArrivalStamps() : null;
    LatencySink sink = new LatencySink(stamps);
    Path checkpoints = BenchSupport.tempDirectory();
    Pipeline pipeline =
        pipeline(kinesis, stream, type, StartingPosition.latest(), stamps, sink, checkpoints);
    pipeline.start();
    awaitReading(pipeline, stamps, LATENCY_SHARDS);
    // asynchronous puts on their own schedule: a slow answer delays no later put
    KinesisAsyncClient producer = bareClient(kinesis);
    List<String> hashKeys =
        producer.listShards(b -> b.streamName(stream)).join().shards().stream()
            .map(s -> s.hashKeyRange().startingHashKey())
            .toList();
    Map<Long, Long> answers = new ConcurrentHashMap<>();
    List<Long> putRoundTrips = java.util.Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<?>> puts = new ArrayList<>();
    long tick = 1_000_000_000L / RECORDS_PER_SECOND_PER_SHARD;
    long started = System.nanoTime();
    long measureFrom = started + WARM_UP.toNanos();
    long measureTo = measureFrom + seconds * 1_000_000_000L;
    long next = started;
    long id = 0;
    long firstMeasured = -1;
    long lateTicks = 0;
    CpuSample cpuStart = null;
    SchedStat schedStart = null;
    while (System.nanoTime() < measureTo) {
      if (firstMeasured < 0 && System.nanoTime() >= measureFrom) {
        firstMeasured = id;
        cpuStart = CpuSample.take();
        schedStart = SchedStat.take();
      }
      List<PutRecordsRequestEntry> batch = new ArrayList<>(hashKeys.size());
      long[] ids = new long[hashKeys.size()];
      for (int i = 0; i < hashKeys.size(); i++) {
        ids[i] = id++;
        batch.add(
            PutRecordsRequestEntry.builder()
                .partitionKey("p" + ids[i])
                .explicitHashKey(hashKeys.get(i))
                .data(SdkBytes.fromString(Long.toString(ids[i]), StandardCharsets.US_ASCII))
                .build());
      }
      long sent = System.nanoTime();
      puts.add(
          producer
              .putRecords(b -> b.streamName(stream).records(batch))
              .thenAccept(
                  response -> {
                    long answered = System.nanoTime();
                    putRoundTrips.add(answered - sent);
                    for (int i = 0; i < ids.length; i++) {
                      if (response.records().get(i).errorCode() == null) {
                        answers.put(ids[i], answered);
                      }
                    }
                  }));
      next += tick;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } else {
        lateTicks++;
      }
    }
    long lastId = id;
    CpuSample cpuEnd = CpuSample.take();
    SchedStat schedEnd = SchedStat.take();
    for (CompletableFuture<?> put : puts) {
      put.exceptionally(e -> null).join();
    }
    producer.close();
    LatencySink.Figures figures = sink.figures();
    // the last records: one more fan-out tick, or poll
    BenchSupport.await(
        () -> figures.receiptNanosById.size() >= answers.size(), Duration.ofSeconds(10));
    boolean failed = pipeline.isDone();
    pipeline.stop();
    BenchSupport.deleteRecursively(checkpoints);

    List<Long> total = new ArrayList<>();
    List<Long> reader = new ArrayList<>();
    List<Long> server = new ArrayList<>();
    long lost = 0;
    for (long i = firstMeasured; i < lastId; i++) {
      Long answered = answers.get(i);
      Long received = figures.receiptNanosById.get(i);
      if (answered == null) {
        continue;
      }
      if (received == null) {
        lost++;
        continue;
      }
      total.add(received - answered);
      Long added = figures.readerNanosById.get(i);
      if (added != null) {
        reader.add(added);
        server.add(received - answered - added);
      }
    }
    String label = name(type);
    System.out.printf(
        Locale.ROOT,
        "latency, %s: %d shards, %d records/s per shard, %d s measured after %d s (%,d records;"
            + " %d not delivered, %d duplicates, %d ticks late%s)%n",
        label,
        LATENCY_SHARDS,
        RECORDS_PER_SECOND_PER_SHARD,
        seconds,
        WARM_UP.toSeconds(),
        lastId - firstMeasured,
        lost,
        figures.duplicates.sum(),
        lateTicks,
        failed ? "; THE PIPELINE FAILED" : "");
    System.out.printf(Locale.ROOT, "  put answer -> sink: %s%n", percentiles(total));
    if (stamps != null) {
      System.out.printf(
          Locale.ROOT,
          "  event at the client -> sink (the reader's own): %s (%d records without a stamp)%n",
          percentiles(reader),
          figures.unstamped.sum());
      System.out.printf(
          Locale.ROOT,
          "  put answer -> event at the client (the server): %s%n",
          percentiles(server));
      printSlowest(figures, firstMeasured, lastId);
      stamps.release();
    }
    double cpu = cpuEnd.cpuSecondsSince(cpuStart);
    System.out.printf(
        Locale.ROOT,
        "  JVM CPU over the window (producer included): %.2f s = %.1f%% of a core; load average"
            + " %.2f%n",
        cpu,
        100 * cpu / cpuEnd.wallSecondsSince(cpuStart),
        CpuSample.loadAverage());
    System.out.print(cpuEnd.breakdownSince(cpuStart));
    System.out.printf(
        Locale.ROOT, "  over the window, this JVM's %s%n", schedEnd.since(schedStart));
    sink.release();
    row("put -> sink p50 / p99 (ms)", type, ms(total, 0.50) + " / " + ms(total, 0.99));
    if (stamps != null) {
      row(
          "reader-added p50 / p99 (ms)",
          type,
          String.format(Locale.ROOT, "%.2f / %.2f", msD(reader, 0.50), msD(reader, 0.99)));
    }
  }

  /**
   * The records the reader delayed most, with the wall-clock time they reached the sink (to match
   * with a JFR recording's GC pauses and safepoints) and how many records of the same moment (the
   * same event: within 1 ms) were as late.
   */
  private static void printSlowest(LatencySink.Figures figures, long from, long to) {
    long nowNanos = System.nanoTime();
    long nowMillis = System.currentTimeMillis();
    List<Long> ids = new ArrayList<>();
    for (long i = from; i < to; i++) {
      if (figures.readerNanosById.containsKey(i)) {
        ids.add(i);
      }
    }
    ids.sort(
        (a, b) -> Long.compare(figures.readerNanosById.get(b), figures.readerNanosById.get(a)));
    StringBuilder out =
        new StringBuilder("  slowest events for the reader (added ms @ sink time):");
    long lastReceipt = Long.MIN_VALUE;
    int shown = 0;
    for (long i : ids) {
      long receipt = figures.receiptNanosById.get(i);
      if (Math.abs(receipt - lastReceipt) < 1_000_000) {
        continue; // the same event
      }
      lastReceipt = receipt;
      java.time.LocalTime at =
          java.time.Instant.ofEpochMilli(nowMillis - (nowNanos - receipt) / 1_000_000)
              .atZone(java.time.ZoneOffset.UTC)
              .toLocalTime();
      out.append(
          String.format(Locale.ROOT, " %.1f @ %s;", figures.readerNanosById.get(i) / 1e6, at));
      if (++shown == 8) {
        break;
      }
    }
    System.out.println(out);
  }

  // ---------------------------------------------------------------- drain

  private static void drain(LocalKinesis kinesis, long userRecords) throws Exception {
    String stream = "drain";
    kinesis.createStream(stream, LATENCY_SHARDS);
    fillAggregated(kinesis.client(), stream, userRecords);
    KinesisAsyncClient bare = bareClient(kinesis);
    try {
      for (int round = 1; round <= 2; round++) {
        System.out.printf(
            Locale.ROOT, "drain round %d of 2 (%s)%n", round, KinesisDrainBench.load());
        CpuSample start = CpuSample.take();
        BareGetRecordsLoop.Drained polled =
            BareGetRecordsLoop.drainAsync(
                bare, stream, userRecords, BareGetRecordsLoop::userRecords, DRAIN_MAX_RECORDS);
        CpuSample end = CpuSample.take();
        KinesisDrainBench.Measured bareGet =
            KinesisDrainBench.report(
                "bare SDK GetRecords loop (async, all shards at once, de-aggregating, "
                    + DRAIN_MAX_RECORDS
                    + " records per call)",
                polled.records(),
                start,
                null,
                end);
        String consumerArn = register(kinesis.client(), stream);
        start = CpuSample.take();
        BareGetRecordsLoop.Drained pushed =
            BareSubscribeToShardLoop.drain(bare, stream, consumerArn, userRecords);
        end = CpuSample.take();
        KinesisDrainBench.Measured bareSub =
            KinesisDrainBench.report(
                "bare SDK SubscribeToShard loop (one subscription per shard, de-aggregating)",
                pushed.records(),
                start,
                null,
                end);
        System.out.printf(Locale.ROOT, "      %,d events%n", pushed.calls());
        Map<ReaderType, KinesisDrainBench.Measured> source = new LinkedHashMap<>();
        for (ReaderType type : ReaderType.values()) {
          source.put(type, drainSource(kinesis, stream, type, userRecords));
        }
        if (round == 2) {
          row(
              "CPU-s per million user records (drain)",
              ReaderType.POLLING,
              cpu(source, ReaderType.POLLING));
          row(
              "CPU-s per million user records (drain)",
              ReaderType.FAN_OUT,
              cpu(source, ReaderType.FAN_OUT));
          row(
              "  bare SDK loop, same records",
              ReaderType.POLLING,
              String.format(Locale.ROOT, "%.2f", bareGet.cpuSecondsPerMillion()));
          row(
              "  bare SDK loop, same records",
              ReaderType.FAN_OUT,
              String.format(Locale.ROOT, "%.2f", bareSub.cpuSecondsPerMillion()));
        }
      }
    } finally {
      bare.close();
    }
  }

  private static String cpu(Map<ReaderType, KinesisDrainBench.Measured> m, ReaderType type) {
    return String.format(Locale.ROOT, "%.2f", m.get(type).cpuSecondsPerMillion());
  }

  private static KinesisDrainBench.Measured drainSource(
      LocalKinesis kinesis, String stream, ReaderType type, long expected) throws Exception {
    String label = "shardline KinesisSource, " + name(type) + " -> Pipeline (p=1) -> counting sink";
    CountingSink sink = new CountingSink(false);
    Path checkpoints = BenchSupport.tempDirectory();
    Pipeline pipeline =
        pipeline(
            kinesis,
            stream,
            type,
            StartingPosition.earliest(),
            null,
            sink,
            checkpoints,
            b -> b.option(KinesisSourceOptions.GET_RECORDS_MAX, DRAIN_MAX_RECORDS));
    CpuSample start = CpuSample.take();
    pipeline.start();
    CpuSample first;
    try {
      first = KinesisDrainBench.awaitRecords(label, sink, expected, pipeline::isDone);
    } catch (IllegalStateException e) {
      pipeline.stop();
      throw e;
    }
    CpuSample end = CpuSample.take();
    pipeline.stop();
    BenchSupport.deleteRecursively(checkpoints);
    return KinesisDrainBench.report(label, sink.records(), start, first, end);
  }

  /**
   * Puts {@code userRecords} user records of {@link #RECORD_BYTES} bytes into the stream's shards
   * in turn, {@link #USER_RECORDS_PER_AGGREGATE} to a KPL aggregate (explicit hash key: the shard's
   * first).
   */
  private static void fillAggregated(KinesisClient client, String stream, long userRecords) {
    List<Shard> shards = client.listShards(b -> b.streamName(stream)).shards();
    byte[] filler = new byte[RECORD_BYTES];
    Arrays.fill(filler, (byte) 'x');
    long started = System.nanoTime();
    long put = 0;
    int aggregates = 0;
    List<PutRecordsRequestEntry> batch = new ArrayList<>();
    long batchBytes = 0;
    int shard = 0;
    while (put < userRecords) {
      String hashKey = shards.get(shard++ % shards.size()).hashKeyRange().startingHashKey();
      RecordAggregator aggregator = new RecordAggregator();
      for (int i = 0; i < USER_RECORDS_PER_AGGREGATE && put < userRecords; i++, put++) {
        byte[] data = filler.clone();
        byte[] index = Long.toString(put).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(index, 0, data, 0, index.length);
        if (!aggregator.tryAdd("k" + (put % 1000), hashKey, data)) {
          throw new IllegalStateException("an aggregate of " + i + " records is full");
        }
      }
      byte[] data = aggregator.toBytes();
      batch.add(
          PutRecordsRequestEntry.builder()
              .partitionKey(aggregator.partitionKey())
              .explicitHashKey(hashKey)
              .data(SdkBytes.fromByteArrayUnsafe(data))
              .build());
      aggregates++;
      batchBytes += data.length;
      if (batchBytes > 3 * 1024 * 1024 || put >= userRecords) {
        PutRecordsResponse response = client.putRecords(b -> b.streamName(stream).records(batch));
        if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
          throw new IllegalStateException(
              response.failedRecordCount() + " aggregates refused while pre-filling " + stream);
        }
        batch.clear();
        batchBytes = 0;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "  pre-filled %,d user records of %d bytes in %,d aggregates into %d shards in %.1f s%n",
        userRecords,
        RECORD_BYTES,
        aggregates,
        shards.size(),
        (System.nanoTime() - started) / 1e9);
  }

  // ---------------------------------------------------------------- heap

  private static void heap(LocalKinesis kinesis, ReaderType type, int shards) throws Exception {
    int small = 5;
    String smallStream = "heap-" + name(type) + "-" + small;
    String largeStream = "heap-" + name(type) + "-" + shards;
    kinesis.createStream(smallStream, small);
    kinesis.createStream(largeStream, shards);
    long none = heapAfterGc();
    long withSmall = heapWith(kinesis, type, smallStream, small);
    long withLarge = heapWith(kinesis, type, largeStream, shards);
    double perShard = (withLarge - withSmall) / (double) (shards - small);
    System.out.printf(
        Locale.ROOT,
        "heap, %s: used after GC with no pipeline %,d KiB; with %d shards %,d KiB; with %d shards"
            + " %,d KiB: %.1f KiB per shard ((%d - %d shards) / %d), %.1f KiB per shard with the"
            + " pipeline's fixed cost ((%d shards - none) / %d)%n",
        name(type),
        none >> 10,
        small,
        withSmall >> 10,
        shards,
        withLarge >> 10,
        perShard / 1024,
        shards,
        small,
        shards - small,
        (withLarge - none) / 1024.0 / shards,
        shards,
        shards);
    row(
        "heap per shard (KiB), " + small + " vs " + shards + " shards",
        type,
        String.format(Locale.ROOT, "%.1f", perShard / 1024));
    if (type == ReaderType.FAN_OUT) {
      // the same subscriptions with nothing around them: how much of it is the SDK's
      long bareSmall = heapWithBareSubscriptions(kinesis, smallStream, small);
      long bareLarge = heapWithBareSubscriptions(kinesis, largeStream, shards);
      double barePerShard = (bareLarge - bareSmall) / (double) (shards - small);
      System.out.printf(
          Locale.ROOT,
          "heap, bare SDK SubscribeToShard subscriptions: with %d shards %,d KiB; with %d shards"
              + " %,d KiB: %.1f KiB per shard%n",
          small,
          bareSmall >> 10,
          shards,
          bareLarge >> 10,
          barePerShard / 1024);
      row(
          "  bare SDK subscriptions, same shards",
          type,
          String.format(Locale.ROOT, "%.1f", barePerShard / 1024));
    }
  }

  private static long heapWithBareSubscriptions(LocalKinesis kinesis, String stream, int shards)
      throws Exception {
    String consumerArn = register(kinesis.client(), stream);
    KinesisAsyncClient client = bareClient(kinesis);
    AtomicLong events = new AtomicLong();
    try (AutoCloseable subscriptions =
        BareSubscribeToShardLoop.subscribeAtLatest(client, stream, consumerArn, events)) {
      if (!BenchSupport.await(() -> events.get() >= 2L * shards, Duration.ofSeconds(90))) {
        throw new IllegalStateException(
            "bare subscriptions: " + events.get() + " events in 90 s on " + shards + " shards");
      }
      Thread.sleep(3_000);
      return heapAfterGc();
    } finally {
      client.close();
    }
  }

  private static long heapWith(LocalKinesis kinesis, ReaderType type, String stream, int shards)
      throws Exception {
    ArrivalStamps stamps = type == ReaderType.FAN_OUT ? new ArrivalStamps() : null;
    CountingSink sink = new CountingSink(false);
    Path checkpoints = BenchSupport.tempDirectory();
    Pipeline pipeline =
        pipeline(kinesis, stream, type, StartingPosition.latest(), stamps, sink, checkpoints);
    pipeline.start();
    try {
      awaitReading(pipeline, stamps, shards);
      Thread.sleep(3_000);
      return heapAfterGc();
    } finally {
      pipeline.stop();
      BenchSupport.deleteRecursively(checkpoints);
      if (stamps != null) {
        stamps.release();
      }
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(300);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  // ---------------------------------------------------------------- idle

  private static void quietJvm() throws InterruptedException {
    System.gc();
    Thread.sleep(1_000);
    CpuSample start = CpuSample.take();
    Thread.sleep(10_000);
    CpuSample end = CpuSample.take();
    System.out.printf(
        Locale.ROOT,
        "idle: this JVM with no pipeline (kinesis-local up), 10 s: %.3f CPU-s = %.2f%% of a core%n",
        end.cpuSecondsSince(start),
        100 * end.cpuSecondsSince(start) / end.wallSecondsSince(start));
  }

  private static void idle(
      LocalKinesis kinesis, ReaderType type, String stream, int shards, int seconds, int windows)
      throws Exception {
    ArrivalStamps stamps = type == ReaderType.FAN_OUT ? new ArrivalStamps() : null;
    CountingSink sink = new CountingSink(false);
    Path checkpoints = BenchSupport.tempDirectory();
    Pipeline pipeline =
        pipeline(kinesis, stream, type, StartingPosition.latest(), stamps, sink, checkpoints);
    pipeline.start();
    List<String> shares = new ArrayList<>();
    try {
      awaitReading(pipeline, stamps, shards);
      Thread.sleep(WARM_UP.toMillis());
      CpuSample start = CpuSample.take();
      long events = stamps == null ? 0 : stamps.events();
      for (int window = 1; window <= windows; window++) {
        Thread.sleep(seconds * 1_000L);
        CpuSample end = CpuSample.take();
        double cpu = end.cpuSecondsSince(start);
        double wall = end.wallSecondsSince(start);
        long eventsNow = stamps == null ? 0 : stamps.events();
        System.out.printf(
            Locale.ROOT,
            "idle, %s, %d shards, window %d of %d (%.1f s): %.3f CPU-s = %.2f%% of a core%s"
                + " (load average %.2f)%n",
            name(type),
            shards,
            window,
            windows,
            wall,
            cpu,
            100 * cpu / wall,
            stamps == null
                ? ""
                : String.format(Locale.ROOT, "; %.1f empty events/s", (eventsNow - events) / wall),
            CpuSample.loadAverage());
        System.out.print(end.breakdownSince(start));
        shares.add(String.format(Locale.ROOT, "%.1f", 100 * cpu / wall));
        start = end;
        events = eventsNow;
      }
      if (pipeline.isDone()) {
        System.out.println("  THE PIPELINE ENDED");
      }
    } finally {
      pipeline.stop();
      BenchSupport.deleteRecursively(checkpoints);
      if (stamps != null) {
        stamps.release();
      }
    }
    row("idle CPU, " + shards + " shards (% of a core)", type, String.join(" / ", shares));
  }

  // ---------------------------------------------------------------- shared

  private static Pipeline pipeline(
      LocalKinesis kinesis,
      String stream,
      ReaderType type,
      StartingPosition start,
      ArrivalStamps stamps,
      Sink<KinesisRecord<byte[]>> sink,
      Path checkpoints)
      throws Exception {
    return pipeline(kinesis, stream, type, start, stamps, sink, checkpoints, b -> b);
  }

  private static Pipeline pipeline(
      LocalKinesis kinesis,
      String stream,
      ReaderType type,
      StartingPosition start,
      ArrivalStamps stamps,
      Sink<KinesisRecord<byte[]>> sink,
      Path checkpoints,
      UnaryOperator<KinesisSource.Builder<byte[]>> options)
      throws Exception {
    KinesisSource.Builder<byte[]> source =
        KinesisSource.builder().stream(stream)
            .endpoint(kinesis.endpoint(), kinesis.region().id())
            .credentials(AwsCredentials.basic("testkit", "testkit"))
            .clientProperty("protocol", "HTTP1_1")
            .startingPosition(start);
    if (type == ReaderType.FAN_OUT) {
      source
          .option(KinesisSourceOptions.READER_TYPE, ReaderType.FAN_OUT)
          .option(KinesisSourceOptions.FAN_OUT_CONSUMER_NAME, consumerName(kinesis, stream))
          .option(KinesisSourceOptions.FAN_OUT_CONSUMER_LIFECYCLE, ConsumerLifecycle.USER)
          .clientProperty("maxConcurrency", FAN_OUT_CONNECTIONS);
    }
    if (stamps != null) {
      source.proxyFactory(stamps.proxyFactory());
    }
    return Pipeline.from(options.apply(source).build())
        .to(sink)
        .name("kinesis-" + name(type))
        .parallelism(1)
        .checkpointInterval(Duration.ofSeconds(10))
        .checkpointDirectory(checkpoints)
        .restartPolicy(RestartPolicy.none())
        .build();
  }

  /** Registers a new consumer on {@code stream} and returns its name once it is ACTIVE. */
  private static String consumerName(LocalKinesis kinesis, String stream) throws Exception {
    String name = "bench-" + ++consumers;
    registerNamed(kinesis.client(), stream, name);
    return name;
  }

  private static String register(KinesisClient client, String stream) throws Exception {
    return registerNamed(client, stream, "bench-" + ++consumers);
  }

  private static String registerNamed(KinesisClient client, String stream, String name)
      throws Exception {
    String streamArn =
        client
            .describeStreamSummary(b -> b.streamName(stream))
            .streamDescriptionSummary()
            .streamARN();
    String arn =
        client
            .registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name))
            .consumer()
            .consumerARN();
    if (!BenchSupport.await(
        () ->
            client
                    .describeStreamConsumer(b -> b.consumerARN(arn))
                    .consumerDescription()
                    .consumerStatus()
                == ConsumerStatus.ACTIVE,
        Duration.ofSeconds(30))) {
      throw new IllegalStateException("consumer " + name + " of " + stream + " not ACTIVE in 30 s");
    }
    return arn;
  }

  /**
   * Waits until the pipeline reads every shard: with fan-out, until each has had an event; with
   * polling, 3 s (iterators taken, first calls made).
   */
  private static void awaitReading(Pipeline pipeline, ArrivalStamps stamps, int shards)
      throws Exception {
    if (stamps == null) {
      Thread.sleep(3_000);
    } else if (!BenchSupport.await(
        () -> stamps.shardsWithEvents() >= shards || pipeline.isDone(), Duration.ofSeconds(90))) {
      throw new IllegalStateException(
          "only " + stamps.shardsWithEvents() + " of " + shards + " shards subscribed in 90 s");
    }
    if (pipeline.isDone()) {
      throw new IllegalStateException("the pipeline ended while starting (see the log)");
    }
  }

  /** An async client set up as the source sets up its own, over HTTP/1.1. */
  private static KinesisAsyncClient bareClient(LocalKinesis kinesis) {
    return BenchSupport.asyncClient(
        kinesis,
        http ->
            http.protocol(Protocol.HTTP1_1).maxConcurrency(Integer.parseInt(FAN_OUT_CONNECTIONS)));
  }

  private static String name(ReaderType type) {
    return type == ReaderType.FAN_OUT ? "fan-out" : "polling";
  }

  private static String percentiles(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return "no records";
    }
    return String.format(
        Locale.ROOT,
        "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, min %.2f ms (n = %,d)",
        msD(nanos, 0.50),
        msD(nanos, 0.90),
        msD(nanos, 0.99),
        msD(nanos, 1.0),
        msD(nanos, 0.0),
        nanos.size());
  }

  private static String ms(List<Long> nanos, double q) {
    return String.format(Locale.ROOT, "%,.0f", msD(nanos, q));
  }

  private static double msD(List<Long> nanos, double q) {
    if (nanos.isEmpty()) {
      return Double.NaN;
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  private static void row(String measure, ReaderType type, String value) {
    TABLE.computeIfAbsent(measure, m -> new String[] {"-", "-"})[type.ordinal()] = value;
  }

  private static void printTable() {
    if (TABLE.isEmpty()) {
      return;
    }
    Map<String, String> kcl = new LinkedHashMap<>();
    kcl.put("put -> sink p50 / p99 (ms)", KCL_LATENCY + " (put -> process)");
    kcl.put("idle CPU, 4 shards (% of a core)", "3.4 (whole JVM)");
    System.out.printf(Locale.ROOT, "%nSummary (%s)%n", BenchSupport.machine());
    String format = "| %-44s | %-16s | %-16s | %-26s |%n";
    System.out.printf(Locale.ROOT, format, "measure", "polling", "fan-out", "KCL 3.5.1 fan-out");
    System.out.printf(
        Locale.ROOT, format, "-".repeat(44), "-".repeat(16), "-".repeat(16), "-".repeat(26));
    for (Map.Entry<String, String[]> e : TABLE.entrySet()) {
      int polling = ReaderType.POLLING.ordinal();
      int fanOut = ReaderType.FAN_OUT.ordinal();
      System.out.printf(
          Locale.ROOT,
          format,
          e.getKey(),
          e.getValue()[polling],
          e.getValue()[fanOut],
          kcl.getOrDefault(e.getKey(), ""));
    }
  }
}
