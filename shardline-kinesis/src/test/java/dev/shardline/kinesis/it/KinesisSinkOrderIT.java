package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.SinkWriter;
import dev.shardline.kinesis.sink.KinesisSink;
import dev.shardline.kinesis.sink.KinesisSinkOptions;
import dev.shardline.kinesis.sink.internal.KinesisSinkWriter;
import dev.shardline.kinesis.sink.internal.SinkMetrics;
import dev.shardline.metrics.MetricNames;
import dev.shardline.testkit.junit.ServerExtension;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.testkit.proxy.Fault;
import dev.shardline.testkit.proxy.KinesisQuotaProxy;
import dev.shardline.testkit.proxy.Operation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-key order under heavy throttling: 200 keys × 250 records with per-key counters, written as
 * fast as the sink takes them into a 2-shard stream through the quota proxy at AWS's write quotas
 * (1,000 records/s per shard), with a few injected faults on top (500s, a lost connection, and an
 * answer slower than the request timeout, which leaves records written but unacknowledged). The
 * sink's adaptive per-shard rate ({@code shardRate}) is off, so it does not hold itself under the
 * quota: with 100 keys per shard a request carries up to 100 records per shard, and the proxy
 * refuses many records of many requests. Read back: every key's counters go up one by one, nothing
 * is lost; duplicates can only come from the ambiguous faults, are counted and reported. The proxy
 * must have throttled a substantial share of the records, or the test proved nothing.
 */
class KinesisSinkOrderIT {
  private static final String STREAM = "ordered";
  private static final int KEYS = 200;
  private static final int PER_KEY = 250;

  @RegisterExtension
  static final ServerExtension<KinesisQuotaProxy> PROXY =
      new ServerExtension<>(
          KinesisQuotaProxy.class,
          () -> {
            LocalKinesalite kinesalite = LocalKinesalite.builder().initialStream(STREAM, 2).start();
            server = kinesalite;
            try {
              return KinesisQuotaProxy.builder().upstream(kinesalite).closeUpstream(true).start();
            } catch (RuntimeException e) {
              kinesalite.close();
              throw e;
            }
          });

  /**
   * The server behind the proxy: the records are read back from it directly, not through the proxy,
   * whose read quota (5 GetRecords/s per shard) would throttle the read-back too.
   */
  private static LocalKinesalite server;

  @Test
  void everyKeysRecordsArriveInOrderUnderHeavyThrottlingAndFaults() throws Exception {
    KinesisQuotaProxy proxy = PROXY.get();
    proxy.faults().failNext(Operation.PUT_RECORDS, 2, Fault.INTERNAL_ERROR);
    proxy.faults().failNext(Operation.PUT_RECORDS, 1, Fault.slowResponse(Duration.ofSeconds(3)));
    proxy.faults().failNext(Operation.PUT_RECORDS, 1, Fault.DROP_CONNECTION);
    proxy.faults().failNext(Operation.PUT_RECORDS, 1, Fault.SERVICE_UNAVAILABLE);
    KinesisSink<String> sink =
        SinkTests.stringSink(proxy, STREAM, false)
            .option(KinesisSinkOptions.REQUEST_TIMEOUT, Duration.ofSeconds(1))
            .shardRate(false) // no pacing: the proxy, not the sink, keeps the shards at the quota
            .build();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    long start = System.nanoTime();
    long ambiguous;
    try (SinkWriter<String> writer = sink.createWriter(SinkTests.context(metrics, null))) {
      for (int counter = 0; counter < PER_KEY; counter++) {
        for (int key = 0; key < KEYS; key++) {
          writer.write("key-" + key + ":" + counter);
        }
      }
      writer.flush();
      ambiguous = ((KinesisSinkWriter<String>) writer).ambiguousRecords();
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    List<SinkTests.Read> read = SinkTests.readAll(server.client(), STREAM);
    Map<String, Integer> highest = new HashMap<>();
    Map<String, String> shardOfKey = new HashMap<>();
    int duplicates = 0;
    for (SinkTests.Read record : read) {
      String[] parts = new String(record.data(), UTF_8).split(":");
      assertThat(parts[0]).isEqualTo(record.partitionKey());
      int counter = Integer.parseInt(parts[1]);
      int before = highest.getOrDefault(parts[0], -1);
      assertThat(shardOfKey.computeIfAbsent(parts[0], k -> record.shardId()))
          .as("one shard per key")
          .isEqualTo(record.shardId());
      if (counter <= before) {
        duplicates++; // written twice after an ambiguous failure: seen already, in order
        continue;
      }
      assertThat(counter)
          .as(
              "the record after %s:%d, sequence number %s",
              parts[0], before, record.sequenceNumber())
          .isEqualTo(before + 1);
      highest.put(parts[0], counter);
    }
    assertThat(highest)
        .hasSize(KEYS)
        .allSatisfy((key, last) -> assertThat(last).isEqualTo(PER_KEY - 1));
    assertThat(read).hasSize(KEYS * PER_KEY + duplicates);
    assertThat((long) duplicates).isLessThanOrEqualTo(ambiguous);

    long throttled = proxy.counters().throttledRecords();
    double retried = metrics.get(MetricNames.SINK_RECORDS_RETRIED).counter().count();
    System.out.printf(
        "KinesisSinkOrderIT: %d records in %.1f s (%.0f/s over 2 shards), %d throttled by the"
            + " proxy, %.0f retried, %d in ambiguous requests, %d duplicates read back%n",
        KEYS * PER_KEY,
        seconds,
        KEYS * PER_KEY / seconds,
        throttled,
        retried,
        ambiguous,
        duplicates);
    assertThat(throttled)
        .as("records the proxy refused over the quota (at least a tenth of those written)")
        .isGreaterThanOrEqualTo(KEYS * PER_KEY / 10);
    assertThat(retried).isGreaterThanOrEqualTo(throttled);
    assertThat(proxy.faults().pending()).isZero();
    assertThat(
            metrics
                .get(SinkMetrics.RECORDS_FAILED)
                .tag(SinkMetrics.ERROR_CODE, "InternalFailure")
                .counter()
                .count())
        .isPositive();
    assertThat(metrics.get(MetricNames.SINK_RECORDS).counter().count()).isEqualTo(KEYS * PER_KEY);
  }
}
