package dev.shardline.testkit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.testkit.junit.KinesisQuotaProxyExtension;
import dev.shardline.testkit.kinesis.StreamContents;
import dev.shardline.testkit.proxy.StoredRecords.Stored;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** The quotas, through real SDK clients, in front of a real kinesis-local. */
class KinesisQuotaProxyIT {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisQuotaProxyIT.class);
  private static final String THROTTLED = "ProvisionedThroughputExceededException";

  @RegisterExtension
  static final KinesisQuotaProxyExtension PROXY = new KinesisQuotaProxyExtension();

  @Test
  void aBurstOfThreeThousandRecordsToOneShardGetsOneSecondsQuotaAndOnlyThoseAreWritten() {
    // Given a one-shard stream behind a proxy with AWS's quotas (1,000 records/s per shard), on a
    // clock that stands still: the six requests reach the proxy within one quota second however
    // slow the machine (how the sliding window treats a burst spread over time is for
    // QuotaBookTest, on a manual clock)
    PROXY.kinesis().createStream("burst", 1);
    try (KinesisQuotaProxy proxy =
            KinesisQuotaProxy.builder().upstream(PROXY.kinesis()).nanoClock(() -> 0L).start();
        KinesisAsyncClient client =
            proxy.clients().overrideConfiguration(noRetries()).buildAsync()) {

      // When 3,000 records of 100 bytes go out as six PutRecords of 500, all sent at once
      long started = System.nanoTime();
      List<CompletableFuture<PutRecordsResponse>> calls = new ArrayList<>();
      for (int batch = 0; batch < 6; batch++) {
        List<PutRecordsRequestEntry> entries =
            IntStream.range(batch * 500, batch * 500 + 500)
                .mapToObj(i -> entry("key-" + i, payload(i)))
                .collect(Collectors.toList());
        calls.add(client.putRecords(b -> b.streamName("burst").records(entries)));
      }
      List<PutRecordsResponse> responses = calls.stream().map(CompletableFuture::join).toList();
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      // Then exactly one second's quota is accepted, and the rest throttled as AWS words it
      List<String> accepted = new ArrayList<>();
      int rejected = 0;
      for (int batch = 0; batch < 6; batch++) {
        List<PutRecordsResultEntry> results = responses.get(batch).records();
        assertThat(results).hasSize(500);
        int failedInBatch = 0;
        for (int j = 0; j < 500; j++) {
          PutRecordsResultEntry result = results.get(j);
          if (result.errorCode() == null) {
            accepted.add(payload(batch * 500 + j));
          } else {
            failedInBatch++;
            assertThat(result.errorCode()).isEqualTo(THROTTLED);
            assertThat(result.errorMessage())
                .isEqualTo(
                    "Rate exceeded for shard shardId-000000000000 in stream burst under account"
                        + " 000000000000.");
          }
        }
        assertThat(responses.get(batch).failedRecordCount()).isEqualTo(failedInBatch);
        rejected += failedInBatch;
      }
      LOG.info("3,000 records in {} ms: {} accepted", took.toMillis(), accepted.size());
      assertThat(accepted).hasSize(1_000);
      assertThat(accepted.size() + rejected).isEqualTo(3_000);
      assertThat(proxy.counters().acceptedRecords("burst", "shardId-000000000000"))
          .isEqualTo(accepted.size());
      assertThat(proxy.counters().throttledRecords()).isEqualTo(rejected);

      // And the server holds exactly the accepted records, and only those
      List<String> stored =
          StoredRecords.readAll(PROXY.kinesis().client(), "burst").stream()
              .map(Stored::data)
              .toList();
      assertThat(stored).containsExactlyInAnyOrderElementsOf(accepted);
    }
  }

  @Test
  void twentyBackToBackGetRecordsAreThrottledAfterTheFifthWithinASecond() {
    // Given a shard with records, a proxy on a clock the test moves (20 calls through
    // kinesis-local can take more than a second on a busy machine), and a client that does not
    // retry
    PROXY.kinesis().createStream("reads", 1);
    putDirectly("reads", 10);
    AtomicLong clock = new AtomicLong();
    try (KinesisQuotaProxy proxy =
            KinesisQuotaProxy.builder().upstream(PROXY.kinesis()).nanoClock(clock::get).start();
        KinesisClient client = proxy.clients().overrideConfiguration(noRetries()).buildSync()) {
      String iterator = StreamContents.trimHorizonIterator(client, "reads", "shardId-000000000000");

      // When GetRecords is called 20 times back to back within one second, following
      // NextShardIterator
      List<Boolean> served = new ArrayList<>();
      for (int call = 0; call < 20; call++) {
        String current = iterator;
        try {
          GetRecordsResponse page = client.getRecords(b -> b.shardIterator(current));
          iterator = page.nextShardIterator();
          served.add(true);
        } catch (ProvisionedThroughputExceededException e) {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorMessage())
              .isEqualTo("Rate exceeded for Shard - 000000000000/reads/shardId-000000000000");
          served.add(false);
        }
        clock.addAndGet(Duration.ofMillis(10).toNanos());
      }

      // Then the first five are served and the other fifteen throttled
      assertThat(served.subList(0, 5)).containsOnly(true);
      assertThat(served.subList(5, 20)).containsOnly(false);
      assertThat(proxy.counters().throttledGetRecordsCalls("reads", "shardId-000000000000"))
          .isEqualTo(15);
      assertThat(proxy.counters().forwardedRequests(Operation.GET_RECORDS)).isEqualTo(5);

      // And a second after the first call, the shard serves again
      clock.set(Duration.ofSeconds(1).toNanos());
      String next = iterator;
      assertThat(client.getRecords(b -> b.shardIterator(next)).records()).isEmpty();
    }
  }

  @Test
  void aReadOverTheByteBudgetStillReturnsItsDataAndThrottlesTheCallsAfterIt() {
    // Given 5,000,000 bytes of records on a shard (put straight on the server), and a proxy with
    // AWS's 2 MiB/s read budget on a clock the test moves (a 5 MB read through kinesis-local can
    // take seconds on a busy machine)
    PROXY.kinesis().createStream("big-reads", 1);
    for (int i = 0; i < 5; i++) {
      String big = i + "x".repeat(1_000_000 - 1);
      PROXY
          .kinesis()
          .client()
          .putRecord(
              b -> b.streamName("big-reads").partitionKey("k").data(SdkBytes.fromUtf8String(big)));
    }
    AtomicLong clock = new AtomicLong();
    try (KinesisQuotaProxy proxy =
            KinesisQuotaProxy.builder().upstream(PROXY.kinesis()).nanoClock(clock::get).start();
        KinesisClient client = proxy.clients().overrideConfiguration(noRetries()).buildSync()) {
      String iterator =
          StreamContents.trimHorizonIterator(client, "big-reads", "shardId-000000000000");

      // When one call returns all of it
      GetRecordsResponse big = client.getRecords(b -> b.shardIterator(iterator));
      String next = big.nextShardIterator();

      // Then it got all its data, taking the budget 2,902,848 bytes below zero: 1.384 s to refill
      assertThat(big.records()).hasSize(5);
      assertThatThrownBy(() -> client.getRecords(b -> b.shardIterator(next)))
          .as("the second call")
          .isInstanceOf(ProvisionedThroughputExceededException.class);
      clock.addAndGet(Duration.ofMillis(1_384).toNanos());
      assertThatThrownBy(() -> client.getRecords(b -> b.shardIterator(next)))
          .as("a call just before the budget is above zero")
          .isInstanceOf(ProvisionedThroughputExceededException.class);
      clock.addAndGet(Duration.ofMillis(1).toNanos());
      assertThat(client.getRecords(b -> b.shardIterator(next)).records()).isEmpty();
      assertThat(proxy.counters().throttledGetRecordsCalls()).isEqualTo(2);
    }
  }

  @Test
  void streamsAddressedByArnAreThrottledToo() {
    // Given a proxy (still clock) allowing one record per second per shard
    PROXY.kinesis().createStream("by-arn", 1);
    String arn =
        PROXY
            .kinesis()
            .client()
            .describeStreamSummary(b -> b.streamName("by-arn"))
            .streamDescriptionSummary()
            .streamARN();
    try (KinesisQuotaProxy proxy =
            KinesisQuotaProxy.builder()
                .upstream(PROXY.kinesis())
                .quotas(ShardQuotas.aws().withWriteRecordsPerSecond(1))
                .nanoClock(() -> 0L)
                .start();
        KinesisClient client = proxy.clients().overrideConfiguration(noRetries()).buildSync()) {

      // When two records are put to the stream by its ARN
      PutRecordsResponse response =
          client.putRecords(b -> b.streamARN(arn).records(entry("a", "one"), entry("b", "two")));

      // Then the second is throttled, in the words of AWS, naming the account in the ARN
      assertThat(response.failedRecordCount()).isEqualTo(1);
      assertThat(response.records().get(1).errorMessage())
          .isEqualTo(
              "Rate exceeded for shard shardId-000000000000 in stream by-arn under account"
                  + " 000000000000.");
      assertThat(proxy.counters().acceptedRecords("by-arn", "shardId-000000000000")).isEqualTo(1);
    }
  }

  @Test
  void aPutRecordOverQuotaGetsA400ProvisionedThroughputExceeded() {
    // Given a proxy whose clock stands still, allowing two records per second per shard
    PROXY.kinesis().createStream("single-puts", 1);
    try (KinesisQuotaProxy proxy =
            KinesisQuotaProxy.builder()
                .upstream(PROXY.kinesis())
                .quotas(ShardQuotas.aws().withWriteRecordsPerSecond(2))
                .nanoClock(() -> 0L)
                .start();
        KinesisClient client = proxy.clients().overrideConfiguration(noRetries()).buildSync()) {

      // When three records are put one by one
      for (int i = 0; i < 2; i++) {
        client.putRecord(
            b -> b.streamName("single-puts").partitionKey("k").data(SdkBytes.fromUtf8String("ok")));
      }

      // Then the third gets a 400 ProvisionedThroughputExceededException and is not written
      assertThatThrownBy(
              () ->
                  client.putRecord(
                      b ->
                          b.streamName("single-puts")
                              .partitionKey("k")
                              .data(SdkBytes.fromUtf8String("throttled"))))
          .isInstanceOfSatisfying(
              ProvisionedThroughputExceededException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo(
                        "Rate exceeded for shard shardId-000000000000 in stream single-puts under"
                            + " account 000000000000.");
              });
      assertThat(proxy.counters().throttledPutRecordCalls()).isEqualTo(1);
      assertThat(StoredRecords.readAll(PROXY.kinesis().client(), "single-puts"))
          .extracting(Stored::data)
          .containsExactly("ok", "ok");
    }
  }

  @ParameterizedTest(name = "cbor={0}")
  @ValueSource(booleans = {true, false})
  void theProxyChargesEachRecordToTheShardTheServerPutsItIn(boolean cbor) {
    // Given a four-shard stream, a proxy (still clock) allowing 25 records per shard, and records
    // with random partition keys, half of them with random explicit hash keys
    String stream = "routing-" + (cbor ? "cbor" : "json");
    PROXY.kinesis().createStream(stream, 4);
    Random random = new Random(42);
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      PutRecordsRequestEntry.Builder entry =
          PutRecordsRequestEntry.builder()
              .partitionKey("key-" + random.nextLong())
              .data(SdkBytes.fromUtf8String(payload(i)));
      if (i % 2 == 0) {
        entry.explicitHashKey(new BigInteger(128, random).toString());
      }
      entries.add(entry.build());
    }
    try (KinesisQuotaProxy proxy =
            KinesisQuotaProxy.builder()
                .upstream(PROXY.kinesis())
                .quotas(ShardQuotas.aws().withWriteRecordsPerSecond(25))
                .nanoClock(() -> 0L)
                .start();
        KinesisClient client =
            proxy.clients().cbor(cbor).overrideConfiguration(noRetries()).buildSync()) {

      // When they are put in one call
      PutRecordsResponse response = client.putRecords(b -> b.streamName(stream).records(entries));

      // Then what the server placed on each shard is what the proxy charged to it, at most 25
      Map<String, Long> placed = new HashMap<>();
      List<String> accepted = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        PutRecordsResultEntry result = response.records().get(i);
        if (result.errorCode() == null) {
          placed.merge(result.shardId(), 1L, Long::sum);
          accepted.add(payload(i));
        } else {
          assertThat(result.errorCode()).isEqualTo(THROTTLED);
          assertThat(result.errorMessage()).contains("in stream " + stream + " under account");
        }
      }
      assertThat(placed).hasSize(4);
      placed.forEach(
          (shard, count) -> {
            assertThat(count).as(shard).isEqualTo(25);
            assertThat(proxy.counters().acceptedRecords(stream, shard)).as(shard).isEqualTo(25);
          });
      assertThat(response.failedRecordCount()).isEqualTo(100);
      assertThat(proxy.counters().throttledRecords()).isEqualTo(100);

      // And the server holds exactly the accepted records, each where the response said
      assertThat(StoredRecords.readAll(PROXY.kinesis().client(), stream))
          .extracting(Stored::data)
          .containsExactlyInAnyOrderElementsOf(accepted);
    }
  }

  @Test
  void afterASplitThroughTheProxyWritesAreChargedToTheChildShards() {
    // Given a one-shard stream the proxy has routed writes to
    KinesisQuotaProxy proxy = PROXY.get();
    PROXY.kinesis().createStream("split", 1);
    KinesisClient client = proxy.client();
    client.putRecords(b -> b.streamName("split").records(entry("before", "before")));
    assertThat(proxy.counters().acceptedRecords("split", "shardId-000000000000")).isEqualTo(1);

    // When the shard is split through the proxy, and records are written once it is done
    client.splitShard(
        b ->
            b.streamName("split")
                .shardToSplit("shardId-000000000000")
                .newStartingHashKey(BigInteger.ONE.shiftLeft(127).toString()));
    PROXY.kinesis().waitForActive("split");
    List<PutRecordsRequestEntry> entries =
        IntStream.range(0, 40).mapToObj(i -> entry("after-" + i, "after-" + i)).toList();
    PutRecordsResponse response = client.putRecords(b -> b.streamName("split").records(entries));

    // Then they went to the children, and the proxy charged each child what the server put there
    assertThat(response.failedRecordCount()).isZero();
    Map<String, Long> placed =
        response.records().stream()
            .collect(Collectors.groupingBy(PutRecordsResultEntry::shardId, Collectors.counting()));
    assertThat(placed.keySet())
        .isSubsetOf(Set.of("shardId-000000000001", "shardId-000000000002"))
        .hasSize(2);
    placed.forEach(
        (shard, count) ->
            assertThat(proxy.counters().acceptedRecords("split", shard)).isEqualTo(count));
    assertThat(proxy.counters().acceptedRecords("split", "shardId-000000000000")).isEqualTo(1);
  }

  // ---- helpers

  static java.util.function.Consumer<
          software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.Builder>
      noRetries() {
    return o -> o.retryStrategy(AwsRetryStrategy.doNotRetry());
  }

  private static void putDirectly(String stream, int count) {
    List<PutRecordsRequestEntry> entries =
        IntStream.range(0, count).mapToObj(i -> entry("k" + i, payload(i))).toList();
    assertThat(
            PROXY
                .kinesis()
                .client()
                .putRecords(b -> b.streamName(stream).records(entries))
                .failedRecordCount())
        .isZero();
  }

  static PutRecordsRequestEntry entry(String partitionKey, String data) {
    return PutRecordsRequestEntry.builder()
        .partitionKey(partitionKey)
        .data(SdkBytes.fromUtf8String(data))
        .build();
  }

  /** 100 bytes naming record {@code i}. */
  static String payload(int i) {
    String name = "record-" + i + "-";
    return name + "x".repeat(100 - name.length());
  }
}
