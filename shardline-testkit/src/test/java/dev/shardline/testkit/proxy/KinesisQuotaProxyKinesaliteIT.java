package dev.shardline.testkit.proxy;

import static dev.shardline.testkit.proxy.KinesisQuotaProxyIT.noRetries;
import static dev.shardline.testkit.proxy.KinesisQuotaProxyIT.payload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.kinesis.KinesisEndpoint;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.testkit.proxy.StoredRecords.Stored;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** The proxy in front of kinesalite: JSON clients, and volume. */
class KinesisQuotaProxyKinesaliteIT {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisQuotaProxyKinesaliteIT.class);
  private static final ShardQuotas UNLIMITED =
      new ShardQuotas(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE);

  private static LocalKinesalite kinesalite;

  @BeforeAll
  static void startKinesalite() {
    kinesalite =
        LocalKinesalite.builder().initialStream("partial", 2).initialStream("volume", 4).start();
  }

  @AfterAll
  static void stopKinesalite() {
    kinesalite.close();
  }

  @Test
  void partiallyThrottledWritesOverJsonLeaveExactlyTheAcceptedRecordsOnTheServer() {
    // Given a proxy (still clock) allowing 100 records per shard in front of kinesalite
    try (KinesisQuotaProxy proxy =
        KinesisQuotaProxy.builder()
            .upstream(kinesalite)
            .quotas(ShardQuotas.aws().withWriteRecordsPerSecond(100))
            .nanoClock(() -> 0L)
            .start()) {
      KinesisClient client = proxy.client(); // JSON: the proxy knows kinesalite needs it

      // When 500 records go to the two-shard stream
      List<PutRecordsRequestEntry> entries = entries(0, 500);
      PutRecordsResponse response =
          client.putRecords(b -> b.streamName("partial").records(entries));

      // Then each shard took 100, and the server holds exactly those
      List<String> accepted = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        PutRecordsResultEntry result = response.records().get(i);
        if (result.errorCode() == null) {
          accepted.add(payload(i));
        }
      }
      assertThat(accepted).hasSize(200);
      assertThat(response.failedRecordCount()).isEqualTo(300);
      assertThat(proxy.counters().throttledRecords()).isEqualTo(300);
      assertThat(StoredRecords.readAll(kinesalite.client(), "partial"))
          .extracting(Stored::data)
          .containsExactlyInAnyOrderElementsOf(accepted);
    }
  }

  @Test
  void twentyThousandRecordsThroughAProxyWithoutLimitsAllArriveOnKinesalite() {
    // Given a proxy without limits in front of kinesalite
    int records = 20_000;
    try (KinesisQuotaProxy proxy =
        KinesisQuotaProxy.builder().upstream(kinesalite).quotas(UNLIMITED).start()) {

      // When 20,000 records of 100 bytes are written through it, four PutRecords of 500 in flight
      long started = System.nanoTime();
      write(proxy, "volume", records);
      LOG.info(
          "{} records through the proxy in {} ms (for information: throughput is measured by"
              + " benchmarks, not asserted by tests)",
          records,
          Duration.ofNanos(System.nanoTime() - started).toMillis());

      // Then every record arrived, once, and the proxy counted each
      assertThat(StoredRecords.readAll(kinesalite.client(), "volume"))
          .extracting(Stored::data)
          .hasSize(records)
          .doesNotHaveDuplicates();
      assertThat(proxy.counters().acceptedRecords()).isEqualTo(records);
      assertThat(proxy.counters().throttledRecords()).isZero();
    }
  }

  private static void write(KinesisEndpoint endpoint, String stream, int records) {
    try (KinesisAsyncClient client =
        dev.shardline.testkit.kinesis.KinesisClients.builder(endpoint.endpoint())
            .region(endpoint.region())
            .credentials(endpoint.credentials())
            .cbor(false)
            .overrideConfiguration(noRetries())
            .buildAsync()) {
      Semaphore inFlight = new Semaphore(4);
      List<CompletableFuture<PutRecordsResponse>> calls = new ArrayList<>();
      for (int start = 0; start < records; start += 500) {
        inFlight.acquireUninterruptibly();
        List<PutRecordsRequestEntry> batch = entries(start, start + 500);
        calls.add(
            client
                .putRecords(b -> b.streamName(stream).records(batch))
                .whenComplete((response, error) -> inFlight.release()));
      }
      long failed = calls.stream().mapToLong(call -> call.join().failedRecordCount()).sum();
      assertThat(failed).isZero();
    }
  }

  private static List<PutRecordsRequestEntry> entries(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(
            i ->
                PutRecordsRequestEntry.builder()
                    .partitionKey("key-" + i)
                    .data(SdkBytes.fromUtf8String(payload(i)))
                    .build())
        .collect(Collectors.toList());
  }
}
