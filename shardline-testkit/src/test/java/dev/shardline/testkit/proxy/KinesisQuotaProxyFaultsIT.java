package dev.shardline.testkit.proxy;

import static dev.shardline.testkit.kinesis.StreamContents.trimHorizonIterator;
import static dev.shardline.testkit.proxy.KinesisQuotaProxyIT.entry;
import static dev.shardline.testkit.proxy.KinesisQuotaProxyIT.noRetries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.testkit.internal.Await;
import dev.shardline.testkit.junit.KinesisQuotaProxyExtension;
import dev.shardline.testkit.proxy.StoredRecords.Stored;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;

/** Each fault kind, injected by the proxy and observed by a real SDK client without retries. */
class KinesisQuotaProxyFaultsIT {
  private static final String STREAM = "faults";
  private static final String SHARD = "shardId-000000000000";

  /**
   * The attempt timeout of {@link #timingOutClient}, which only makes the calls a TIMEOUT or
   * SLOW_RESPONSE fault holds back: every other call goes through {@link #client}, without an
   * attempt timeout, so a busy machine (kinesis-local answering in seconds) fails none of them.
   */
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);

  @RegisterExtension
  static final KinesisQuotaProxyExtension PROXY =
      new KinesisQuotaProxyExtension(kinesis -> kinesis.initialStream(STREAM, 1), proxy -> {});

  private static KinesisClient client;
  private static KinesisClient timingOutClient;

  @BeforeAll
  static void clientWithoutRetries() {
    client = PROXY.get().clients().overrideConfiguration(noRetries()).buildSync();
    timingOutClient =
        PROXY
            .get()
            .clients()
            .overrideConfiguration(
                noRetries().andThen(o -> o.apiCallAttemptTimeout(ATTEMPT_TIMEOUT)))
            .buildSync();
    // Through the shared client (default timeouts): the proxy's first write to the stream also
    // lists its shards, on a server that has just started
    PROXY.get().client().putRecords(b -> b.streamName(STREAM).records(entry("k", "first")));
  }

  @AfterAll
  static void closeClient() {
    client.close();
    timingOutClient.close();
  }

  @Test
  void anInternalErrorIsA500KinesisException() {
    // Given
    String iterator = trimHorizonIterator(client, STREAM, SHARD);
    PROXY.get().faults().failNext(Operation.GET_RECORDS, 1, Fault.INTERNAL_ERROR);

    // When / Then
    assertThatThrownBy(() -> client.getRecords(b -> b.shardIterator(iterator)))
        .isExactlyInstanceOf(KinesisException.class)
        .satisfies(
            e -> {
              KinesisException error = (KinesisException) e;
              assertThat(error.statusCode()).isEqualTo(500);
              assertThat(error.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
            });
    assertThat(PROXY.get().counters().injectedFaults(Fault.Kind.INTERNAL_ERROR)).isEqualTo(1);
    assertThat(PROXY.get().counters().forwardedRequests(Operation.GET_RECORDS)).isZero();

    // And the next call goes through
    assertThat(client.getRecords(b -> b.shardIterator(iterator)).records()).isNotEmpty();
  }

  @Test
  void serviceUnavailableAndLimitExceededAreTheirStatusAndClass() {
    PROXY.get().faults().failNext(2, Fault.SERVICE_UNAVAILABLE);
    PROXY.get().faults().failNext(Operation.LIST_SHARDS, 1, Fault.LIMIT_EXCEEDED);

    assertThatThrownBy(() -> client.describeStreamSummary(b -> b.streamName(STREAM)))
        .isInstanceOfSatisfying(
            KinesisException.class, e -> assertThat(e.statusCode()).isEqualTo(503));
    assertThatThrownBy(() -> client.listShards(b -> b.streamName(STREAM)))
        .isInstanceOfSatisfying(
            KinesisException.class, e -> assertThat(e.statusCode()).isEqualTo(503));
    assertThatThrownBy(() -> client.listShards(b -> b.streamName(STREAM)))
        .isInstanceOf(LimitExceededException.class);

    assertThat(PROXY.get().counters().injectedFaults(Fault.Kind.SERVICE_UNAVAILABLE)).isEqualTo(2);
    assertThat(PROXY.get().counters().injectedFaults(Fault.Kind.LIMIT_EXCEEDED)).isEqualTo(1);
    assertThat(PROXY.get().faults().pending()).isZero();
  }

  @Test
  void aTimeoutIsTheClientsAttemptTimeoutAndTheRequestNeverReachesTheServer() {
    // Given
    PROXY.get().faults().failNext(Operation.PUT_RECORD, 1, Fault.TIMEOUT);

    // When / Then
    long started = System.nanoTime();
    assertThatThrownBy(
            () ->
                timingOutClient.putRecord(
                    b ->
                        b.streamName(STREAM)
                            .partitionKey("k")
                            .data(SdkBytes.fromUtf8String("never-written"))))
        .isInstanceOf(ApiCallAttemptTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(ATTEMPT_TIMEOUT);
    assertThat(PROXY.get().counters().injectedFaults(Fault.Kind.TIMEOUT)).isEqualTo(1);
    assertThat(stored()).doesNotContain("never-written");
  }

  @Test
  void aSlowResponseTimesTheClientOutButTheRecordIsWritten() {
    // Given an answer held back longer than the client waits
    PROXY
        .get()
        .faults()
        .failNext(Operation.PUT_RECORD, 1, Fault.slowResponse(ATTEMPT_TIMEOUT.multipliedBy(2)));

    // When / Then
    assertThatThrownBy(
            () ->
                timingOutClient.putRecord(
                    b ->
                        b.streamName(STREAM)
                            .partitionKey("k")
                            .data(SdkBytes.fromUtf8String("written-but-unconfirmed"))))
        .isInstanceOf(ApiCallAttemptTimeoutException.class);
    Await.until(
        "the unconfirmed record on the server",
        Duration.ofSeconds(30),
        Duration.ofMillis(50),
        () -> stored().contains("written-but-unconfirmed"));
    assertThat(PROXY.get().counters().injectedFaults(Fault.Kind.SLOW_RESPONSE)).isEqualTo(1);
  }

  @Test
  void aDroppedConnectionIsAnSdkClientExceptionCausedByAnIoException() {
    // Given
    String iterator = trimHorizonIterator(client, STREAM, SHARD);
    PROXY.get().faults().failNext(Operation.GET_RECORDS, 1, Fault.DROP_CONNECTION);

    // When / Then
    assertThatThrownBy(() -> client.getRecords(b -> b.shardIterator(iterator)))
        .isInstanceOf(SdkClientException.class)
        .satisfies(e -> assertThat(causes(e)).anyMatch(IOException.class::isInstance));
    assertThat(PROXY.get().counters().injectedFaults(Fault.Kind.DROP_CONNECTION)).isEqualTo(1);
    assertThat(client.getRecords(b -> b.shardIterator(iterator)).records()).isNotEmpty();
  }

  @Test
  void anExpiredIteratorIsAnExpiredIteratorExceptionAndTheIteratorStillWorksOnTheServer() {
    // Given
    String iterator = trimHorizonIterator(client, STREAM, SHARD);
    PROXY.get().faults().failNext(Operation.GET_RECORDS, 1, Fault.EXPIRED_ITERATOR);

    // When / Then
    assertThatThrownBy(() -> client.getRecords(b -> b.shardIterator(iterator)))
        .isInstanceOfSatisfying(
            ExpiredIteratorException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
    assertThat(PROXY.get().counters().injectedFaults(Fault.Kind.EXPIRED_ITERATOR)).isEqualTo(1);
    assertThat(client.getRecords(b -> b.shardIterator(iterator)).records()).isNotEmpty();
  }

  @Test
  void faultsArmedForAnyOperationHitTheNextCallsWhateverTheyAre() {
    PROXY.get().faults().failNext(3, Fault.INTERNAL_ERROR);

    assertThatThrownBy(() -> client.listStreams()).isInstanceOf(KinesisException.class);
    assertThatThrownBy(() -> client.describeStreamSummary(b -> b.streamName(STREAM)))
        .isInstanceOf(KinesisException.class);
    assertThatThrownBy(() -> client.putRecords(b -> b.streamName(STREAM).records(entry("k", "x"))))
        .isInstanceOf(KinesisException.class);
    assertThat(client.listStreams().streamNames()).contains(STREAM);

    assertThat(PROXY.get().counters().injectedFaults()).isEqualTo(3);
    assertThat(PROXY.get().counters().forwardedRequests()).isEqualTo(1);
  }

  private static List<String> stored() {
    return StoredRecords.readAll(PROXY.kinesis().client(), STREAM).stream()
        .map(Stored::data)
        .toList();
  }

  private static List<Throwable> causes(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }
}
