package dev.shardline.testkit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.junit.KinesisQuotaProxyExtension;
import dev.shardline.testkit.kinesis.Resharding;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Enhanced fan-out through the proxy: an SDK {@link KinesisAsyncClient} on Netty over plain
 * HTTP/1.1 subscribes through it to kinesis-local; the proxy relays the event stream, enforces the
 * subscribe quota, injects subscription faults and ends a closed shard's subscription with
 * ChildShards.
 */
class KinesisQuotaProxyFanOutIT {
  /** Each test has a stream of its own: subscriptions a failed test left open do not leak. */
  private static String STREAM;

  private static final String SHARD = "shardId-000000000000";
  private static final Duration WAIT = Duration.ofSeconds(15);

  @RegisterExtension
  static final KinesisQuotaProxyExtension PROXY =
      new KinesisQuotaProxyExtension(
          kinesis ->
              kinesis
                  .registerStreamConsumerDuration(Duration.ofMillis(100))
                  .splitShardDuration(Duration.ofMillis(100)),
          proxy -> proxy.nanoClock(KinesisQuotaProxyFanOutIT::quotaClock));

  /** The proxy's quota clock: the system's, or held still while a test needs it to be. */
  private static volatile long heldAt = -1;

  private static long quotaClock() {
    long held = heldAt;
    return held >= 0 ? held : System.nanoTime();
  }

  private static KinesisAsyncClient client;

  @BeforeAll
  static void http11Client() {
    KinesisQuotaProxy proxy = PROXY.get();
    client =
        KinesisAsyncClient.builder()
            .endpointOverride(URI.create(proxy.endpoint().toString()))
            .region(proxy.region())
            .credentialsProvider(proxy.credentials())
            .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
            .overrideConfiguration(o -> o.retryStrategy(noRetries()))
            .build();
  }

  @org.junit.jupiter.api.BeforeEach
  void ownStream(org.junit.jupiter.api.TestInfo test) {
    STREAM = test.getTestMethod().orElseThrow().getName().toLowerCase(java.util.Locale.ROOT);
    PROXY.kinesis().createStream(STREAM, 1);
  }

  @AfterAll
  static void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void recordsArriveEventByEventThroughTheProxy() throws Exception {
    // Given
    String consumer = activeConsumer(STREAM, "reader");
    Subscription subscription = subscribe(consumer, SHARD, ShardIteratorType.LATEST);
    awaitTrue(() -> !subscription.events.isEmpty(), "the first event");

    // When
    put(STREAM, "a", "b", "c");

    // Then: while kinesis-local holds the stream open (5 minutes), every record arrives
    awaitTrue(() -> subscription.data().size() == 3, "3 records, got " + subscription.data());
    assertThat(subscription.data()).containsExactly("a", "b", "c");
    assertThat(subscription.done).isNotDone();
    ProxyCounters counters = PROXY.get().counters();
    assertThat(counters.subscriptionsOpened(STREAM, SHARD)).isEqualTo(1);
    assertThat(counters.subscribeEventsForwarded(STREAM, SHARD))
        .isEqualTo(subscription.events.size());
    assertThat(counters.forwardedRequests(Operation.REGISTER_STREAM_CONSUMER)).isEqualTo(1);
    subscription.cancel();
  }

  @Test
  void aSecondSubscribeWithinASecondIsLimitExceededAndALaterOneTakesOver() throws Exception {
    // Given
    String consumer = activeConsumer(STREAM, "quota");
    heldAt = System.nanoTime(); // however slow the calls, they come within one second
    Subscription first;
    Subscription refused;
    try {
      first = subscribe(consumer, SHARD, ShardIteratorType.LATEST);
      awaitTrue(() -> !first.events.isEmpty(), "the first event");

      // When: another call within the second
      refused = subscribe(consumer, SHARD, ShardIteratorType.LATEST);
      failure(refused);
    } finally {
      heldAt = -1;
    }

    // Then
    assertThat(failure(refused)).isInstanceOf(LimitExceededException.class);
    assertThat(PROXY.get().counters().throttledSubscribeCalls(STREAM, SHARD)).isEqualTo(1);
    assertThat(first.done).isNotDone();

    // When: a second later, the new subscription wins and the old one ends
    Thread.sleep(1_100);
    Subscription second = subscribe(consumer, SHARD, ShardIteratorType.LATEST);

    // Then
    assertThat(failure(first)).isInstanceOf(ResourceInUseException.class);
    awaitTrue(() -> !second.events.isEmpty(), "the first event of the new one");
    put(STREAM, "after-takeover");
    awaitTrue(() -> second.data().contains("after-takeover"), "the record on the new one");
    assertThat(PROXY.get().activeSubscriptions(STREAM, SHARD)).isEqualTo(1);
    second.cancel();
  }

  @Test
  void aDroppedSubscriptionEndsWithoutAFinalEventAndANewOneGoesOn() throws Exception {
    // Given
    String consumer = activeConsumer(STREAM, "dropped");
    Subscription subscription = subscribe(consumer, SHARD, ShardIteratorType.LATEST);
    awaitTrue(() -> !subscription.events.isEmpty(), "the first event");

    // When
    int dropped = PROXY.get().faults().dropSubscriptions(STREAM, SHARD);

    // Then: the stream ends without a final event (over HTTP/1.1 Netty reads a chunked body cut
    // short as ended, so the SDK may complete the call rather than fail it)
    assertThat(dropped).isEqualTo(1);
    try {
      subscription.done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isNotNull();
    }
    assertThat(subscription.events)
        .allSatisfy(event -> assertThat(event.continuationSequenceNumber()).isNotNull());
    assertThat(PROXY.get().counters().injectedFaults(Fault.Kind.DROP_CONNECTION)).isEqualTo(1);

    // And a new subscription a second later (kinesis-local has not noticed the drop yet) works
    Thread.sleep(1_100);
    Subscription again = subscribe(consumer, SHARD, ShardIteratorType.LATEST);
    awaitTrue(() -> !again.events.isEmpty(), "the first event of the new one");
    put(STREAM, "after-drop");
    awaitTrue(() -> again.data().contains("after-drop"), "the record after the drop");
    again.cancel();
  }

  @Test
  void refusedSubscriptionsAreResourceInUseUntilTheyRunOut() throws Exception {
    // Given
    String consumer = activeConsumer(STREAM, "refused");
    PROXY.get().faults().refuseSubscriptions(STREAM, SHARD, 2);

    // When / Then
    assertThat(failure(subscribe(consumer, SHARD, ShardIteratorType.LATEST)))
        .isInstanceOf(ResourceInUseException.class);
    assertThat(failure(subscribe(consumer, SHARD, ShardIteratorType.LATEST)))
        .isInstanceOf(ResourceInUseException.class);
    assertThat(PROXY.get().faults().pending()).isZero();
    Subscription third = subscribe(consumer, SHARD, ShardIteratorType.LATEST);
    awaitTrue(() -> !third.events.isEmpty(), "an event once the refusals ran out");
    assertThat(PROXY.get().counters().injectedFaults(Fault.Kind.RESOURCE_IN_USE)).isEqualTo(2);
    third.cancel();
  }

  @Test
  void aSplitParentsSubscriptionEndsWithItsChildShardsAfterItsLastRecord() throws Exception {
    // Given
    String stream = STREAM;
    String consumer = activeConsumer(stream, "splitter");
    put(stream, "before-1", "before-2");
    Subscription subscription = subscribe(consumer, SHARD, ShardIteratorType.TRIM_HORIZON);

    // When: split through the proxy (which then watches the shard map)
    Shard parent = Resharding.openShards(PROXY.kinesis(), stream).get(0);
    PROXY
        .get()
        .client()
        .splitShard(
            b ->
                b.streamName(stream)
                    .shardToSplit(SHARD)
                    .newStartingHashKey(
                        new java.math.BigInteger(parent.hashKeyRange().endingHashKey())
                            .shiftRight(1)
                            .toString()));

    // Then: every record of the parent, then the final event, and the stream ends cleanly
    subscription.done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(subscription.data()).containsExactly("before-1", "before-2");
    SubscribeToShardEvent last = subscription.events.get(subscription.events.size() - 1);
    assertThat(last.continuationSequenceNumber()).isNull();
    assertThat(last.millisBehindLatest()).isZero();
    assertThat(last.childShards())
        .extracting(c -> c.shardId())
        .containsExactlyInAnyOrder("shardId-000000000001", "shardId-000000000002");
    assertThat(last.childShards())
        .allSatisfy(c -> assertThat(c.parentShards()).containsExactly(SHARD));
    assertThat(PROXY.get().counters().subscriptionsEndedWithChildShards(stream, SHARD))
        .isEqualTo(1);
  }

  // ---- helpers

  private static final class Subscription {
    final List<SubscribeToShardEvent> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<org.reactivestreams.Subscription> stream = new CompletableFuture<>();
    CompletableFuture<Void> done;

    List<String> data() {
      List<String> data = new ArrayList<>();
      for (SubscribeToShardEvent event : events) {
        for (Record record : event.records()) {
          data.add(record.data().asUtf8String());
        }
      }
      return data;
    }

    /** Cancels the event stream, as a reader does, which closes the connection. */
    void cancel() {
      stream.join().cancel();
    }
  }

  private static Subscription subscribe(
      String consumerArn, String shardId, ShardIteratorType type) {
    Subscription subscription = new Subscription();
    subscription.done =
        client.subscribeToShard(
            b -> b.consumerARN(consumerArn).shardId(shardId).startingPosition(p -> p.type(type)),
            SubscribeToShardResponseHandler.builder()
                .onEventStream(
                    publisher ->
                        publisher.subscribe(
                            new org.reactivestreams.Subscriber<>() {
                              @Override
                              public void onSubscribe(org.reactivestreams.Subscription s) {
                                subscription.stream.complete(s);
                                s.request(Long.MAX_VALUE);
                              }

                              @Override
                              public void onNext(
                                  software.amazon.awssdk.services.kinesis.model
                                          .SubscribeToShardEventStream
                                      event) {
                                if (event instanceof SubscribeToShardEvent e) {
                                  subscription.events.add(e);
                                }
                              }

                              @Override
                              public void onError(Throwable t) {}

                              @Override
                              public void onComplete() {}
                            }))
                .build());
    return subscription;
  }

  private static Throwable failure(Subscription subscription) throws Exception {
    try {
      subscription.done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof java.util.concurrent.CompletionException
          && cause.getCause() != null) {
        cause = cause.getCause();
      }
      return cause;
    }
    throw new AssertionError("The subscription ended without an error");
  }

  private static String activeConsumer(String stream, String name) throws Exception {
    String streamArn =
        client
            .describeStreamSummary(b -> b.streamName(stream))
            .get()
            .streamDescriptionSummary()
            .streamARN();
    String arn =
        client
            .registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name))
            .get()
            .consumer()
            .consumerARN();
    awaitTrue(
        () ->
            client
                    .describeStreamConsumer(b -> b.consumerARN(arn))
                    .join()
                    .consumerDescription()
                    .consumerStatus()
                == ConsumerStatus.ACTIVE,
        "consumer " + name + " ACTIVE");
    return arn;
  }

  private static void put(String stream, String... data) {
    for (String item : data) {
      PROXY
          .get()
          .client()
          .putRecord(
              b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String(item)));
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static RetryStrategy noRetries() {
    return AwsRetryStrategy.doNotRetry();
  }
}
