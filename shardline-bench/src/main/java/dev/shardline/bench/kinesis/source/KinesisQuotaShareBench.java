package dev.shardline.bench.kinesis.source;

import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.testkit.proxy.KinesisQuotaProxy;
import dev.shardline.testkit.proxy.ShardQuotas;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The share of the per-shard read quota (2 MiB/s) the Kinesis source reaches through the testkit's
 * {@code KinesisQuotaProxy} at AWS's read quotas (5 GetRecords/s and 2 MiB/s per shard, a 2 MiB
 * burst), in front of kinesalite. Records are large (default 64 KiB), so the byte budget binds, not
 * the 5 calls per second. kinesalite has no 10 MiB cap on a GetRecords answer as Kinesis has, so
 * {@code reader.getRecords.maxRecords} is set to keep answers at most 10 MiB (default: 10 MiB /
 * record size).
 *
 * <p>The stream is pre-filled with enough records for every shard to stay busy the whole run. The
 * source (default pacing: its own budget of 2 MiB/s per shard, calls 200 ms apart) reads from
 * TRIM_HORIZON through the real runtime {@code Pipeline} (parallelism 1) into a sink counting value
 * bytes per shard; after a 5 s warm-up (past the proxy's initial 2 MiB burst) the bytes of each
 * shard over {@code measureSeconds} give its rate, reported as a share of 2 MiB/s.
 *
 * <p>A harness, not a test: {@code shardline-bench/run-kinesis-source-bench.sh quota
 * [measureSeconds [recordKiB [maxRecords [shards]]]]} (see README.md).
 */
public final class KinesisQuotaShareBench {
  private static final String STREAM = "quota";
  private static final int WARM_UP_SECONDS = 5;
  private static final long QUOTA = ShardQuotas.AWS_READ_BYTES_PER_SECOND;
  private static final long MAX_ANSWER_BYTES = 10L * 1024 * 1024;

  /** Records of one answer reach the sink back to back; answers are at least 200 ms apart. */
  private static final long ANSWER_GAP_NANOS = 100_000_000L;

  private KinesisQuotaShareBench() {}

  public static void main(String[] args) throws Exception {
    int measureSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int recordBytes = (args.length > 1 ? Integer.parseInt(args[1]) : 64) * 1024;
    int maxRecords =
        args.length > 2 && !args[2].equals("-")
            ? Integer.parseInt(args[2])
            : (int) Math.max(1, MAX_ANSWER_BYTES / recordBytes);
    int shards = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    BenchSupport.jsonProtocol();
    // enough for the warm-up, the window and a margin, plus the proxy's initial burst
    long perShardBytes = (WARM_UP_SECONDS + measureSeconds + 15L) * QUOTA + 2 * QUOTA;
    long records = shards * ((perShardBytes + recordBytes - 1) / recordBytes);
    System.out.printf(
        Locale.ROOT,
        "Kinesis source read quota share: %d shards behind KinesisQuotaProxy (AWS read quotas: 5"
            + " calls/s, 2 MiB/s per shard), records of %d KiB, reader.getRecords.maxRecords %d"
            + " (answers up to %.1f MiB), %d s measured after %d s; %s%n",
        shards,
        recordBytes / 1024,
        maxRecords,
        (double) maxRecords * recordBytes / (1 << 20),
        measureSeconds,
        WARM_UP_SECONDS,
        BenchSupport.machine());
    try (LocalKinesalite kinesalite =
            LocalKinesalite.builder().shardLimit(Math.max(10, shards)).start();
        KinesisQuotaProxy proxy = KinesisQuotaProxy.builder().upstream(kinesalite).start()) {
      kinesalite.createStream(STREAM, shards);
      StreamFiller.fill(kinesalite.asyncClient(), STREAM, records, recordBytes);

      Path checkpoints = BenchSupport.tempDirectory();
      CountingSink sink = new CountingSink(true);
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      Pipeline pipeline =
          Pipeline.from(
                  BenchSupport.source(proxy, STREAM)
                      .startingPosition(StartingPosition.earliest())
                      .option(KinesisSourceOptions.GET_RECORDS_MAX, maxRecords)
                      .build())
              .to(sink)
              .name("kinesis-quota")
              .checkpointInterval(Duration.ofSeconds(10))
              .checkpointDirectory(checkpoints)
              .restartPolicy(RestartPolicy.none())
              .metrics(metrics)
              .build();
      pipeline.start();
      if (!BenchSupport.await(() -> sink.records() > 0, Duration.ofSeconds(60))) {
        throw new IllegalStateException("No record within 60 s");
      }
      Thread.sleep(WARM_UP_SECONDS * 1_000L);
      Map<String, Long> before = sink.bytesByShard();
      double callsBefore = sum(metrics, KinesisMetricNames.GET_RECORDS_CALLS);
      double throttledBefore = sum(metrics, KinesisMetricNames.THROTTLED_CALLS);
      long proxyThrottledBefore = proxy.counters().throttledGetRecordsCalls();
      CpuSample start = CpuSample.take();
      Thread.sleep(measureSeconds * 1_000L);
      CpuSample end = CpuSample.take();
      Map<String, Long> after = sink.bytesByShard();
      double calls = sum(metrics, KinesisMetricNames.GET_RECORDS_CALLS) - callsBefore;
      double throttled = sum(metrics, KinesisMetricNames.THROTTLED_CALLS) - throttledBefore;
      long proxyThrottled = proxy.counters().throttledGetRecordsCalls() - proxyThrottledBefore;
      boolean failed = pipeline.isDone();
      pipeline.stop();
      BenchSupport.deleteRecursively(checkpoints);
      if (failed) {
        throw new IllegalStateException("The pipeline stopped during the measurement");
      }

      double seconds = end.wallSecondsSince(start);
      double totalShare = 0;
      double minShare = Double.MAX_VALUE;
      for (Map.Entry<String, Long> e : after.entrySet()) {
        long bytes = e.getValue() - before.getOrDefault(e.getKey(), 0L);
        double rate = bytes / seconds;
        double share = rate / QUOTA;
        totalShare += share;
        minShare = Math.min(minShare, share);
        System.out.printf(
            Locale.ROOT,
            "  %s: %.2f MiB/s = %.1f%% of the 2 MiB/s read quota in the window%n",
            e.getKey(),
            rate / (1 << 20),
            100 * share);
      }
      // the window cuts the answers (up to 10 MiB, seconds apart) at arbitrary points; whole
      // cycles, from the start of one answer's delivery to the start of a later one, do not
      System.out.println(
          "  in whole cycles (from the first answer delivered in the window to the last one):");
      double cycleShareSum = 0;
      int cycleShards = 0;
      long windowStart = start.wallNanos();
      long windowEnd = end.wallNanos();
      for (Map.Entry<String, List<CountingSink.Arrival>> e : sink.arrivalsByShard().entrySet()) {
        long firstNanos = -1;
        long lastNanos = -1;
        long bytes = 0;
        long pending = 0;
        long previous = Long.MIN_VALUE;
        int answers = 0;
        for (CountingSink.Arrival arrival : e.getValue()) {
          boolean startsAnswer = arrival.nanos() - previous > ANSWER_GAP_NANOS;
          previous = arrival.nanos();
          if (arrival.nanos() < windowStart || arrival.nanos() > windowEnd) {
            continue;
          }
          if (startsAnswer) {
            if (firstNanos < 0) {
              firstNanos = arrival.nanos();
            } else {
              lastNanos = arrival.nanos();
              bytes += pending;
              pending = 0;
              answers++;
            }
          }
          if (firstNanos >= 0) {
            pending += arrival.bytes();
          }
        }
        if (answers == 0) {
          continue;
        }
        double share = bytes / ((lastNanos - firstNanos) / 1e9) / QUOTA;
        cycleShareSum += share;
        cycleShards++;
        System.out.printf(
            Locale.ROOT,
            "  %s: %d answers in %.1f s: %.2f MiB/s = %.1f%% of the read quota%n",
            e.getKey(),
            answers,
            (lastNanos - firstNanos) / 1e9,
            share * QUOTA / (1 << 20),
            100 * share);
      }
      System.out.printf(
          Locale.ROOT,
          "  in whole cycles: mean %.1f%% of the per-shard read quota%n",
          100 * cycleShareSum / Math.max(1, cycleShards));
      System.out.printf(
          Locale.ROOT,
          "  mean %.1f%%, lowest shard %.1f%% of the per-shard read quota over %.1f s; %,.0f"
              + " GetRecords calls (%.2f per shard per second, %.2f MiB per call); throttled calls:"
              + " %.0f counted by the source, %d by the proxy; CPU %.1f%% of a core; load average"
              + " %.2f%n",
          100 * totalShare / after.size(),
          100 * minShare,
          seconds,
          calls,
          calls / after.size() / seconds,
          (sink.bytes() > 0 ? totalBytes(after, before) / calls / (1 << 20) : 0),
          throttled,
          proxyThrottled,
          100 * end.cpuSecondsSince(start) / seconds,
          CpuSample.loadAverage());
    }
  }

  private static double totalBytes(Map<String, Long> after, Map<String, Long> before) {
    double sum = 0;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return sum;
  }

  private static double sum(SimpleMeterRegistry metrics, String name) {
    return metrics.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }
}
