package dev.shardline.kinesis.source.reader;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.SourceReader;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.config.KinesisSourceOptions.ReaderType;
import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.kinesis.source.split.KinesisShardSplit;
import dev.shardline.kinesis.source.split.ShardPosition;
import dev.shardline.kinesis.source.split.ShardsEndedEvent;
import dev.shardline.kinesis.source.split.ShardsFinishedEvent;
import dev.shardline.kinesis.testing.TestReaderContext;
import dev.shardline.time.ManualTime;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * The fan-out fetcher's paths a server does not produce on demand, with a hand-written
 * SubscribeToShard: backpressure, renewal, the end of a shard, failed and silent subscriptions
 * (Flink's FLINK-39540 and FLINK-38814), records sent again.
 */
class FanOutShardFetcherTest {
  private static final String STREAM = "orders";
  private static final String SHARD = "shardId-000000000000";
  private static final String ARN =
      "arn:aws:kinesis:us-east-1:000000000000:stream/orders/consumer/c:1";
  private static final BigInteger MAX_HASH = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  private final ManualTime time = new ManualTime();
  private final TestReaderContext context = new TestReaderContext(time);
  private final Subscriptions kinesis = new Subscriptions();
  private final List<String> output = new ArrayList<>();
  private final ReaderOutput<KinesisRecord<byte[]>> collector =
      new ReaderOutput<>() {
        @Override
        public void collect(KinesisRecord<byte[]> record) {
          output.add(new String(record.value(), UTF_8));
        }

        @Override
        public void collect(KinesisRecord<byte[]> record, long eventTimeMillis) {
          collect(record);
        }
      };

  @Test
  void asksForOneEventAtATimeAndForTheNextOnlyOnceTheLastIsEmitted() throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(ShardPosition.trimHorizon())));
    poll(reader);
    FakeSubscription sub = kinesis.only();
    assertThat(sub.requested).isEqualTo(1);

    // 1,500 records: more than one pollNext emits (1,000)
    sub.push(event(records(1, 1_500), "1500"));
    reader.pollNext(collector);
    assertThat(output).hasSize(1_000);
    assertThat(sub.requested).as("nothing more asked while records wait").isEqualTo(1);
    reader.pollNext(collector);
    assertThat(output).hasSize(1_500);
    assertThat(sub.requested).isEqualTo(2);
  }

  @Test
  void aCompletedSubscriptionIsRenewedAfterItsLastEventAtMostOnceASecond() throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(ShardPosition.trimHorizon())));
    poll(reader);
    FakeSubscription first = kinesis.only();
    first.push(event(records(1, 3), "3"));
    first.complete();
    pollFor(reader, Duration.ofMillis(500));
    assertThat(kinesis.subscriptions).as("not within a second of the last").hasSize(1);
    pollFor(reader, Duration.ofMillis(600));

    assertThat(kinesis.subscriptions).hasSize(2);
    StartingPosition second = kinesis.subscriptions.get(1).request.startingPosition();
    assertThat(second.type()).isEqualTo(ShardIteratorType.AFTER_SEQUENCE_NUMBER);
    assertThat(second.sequenceNumber()).isEqualTo("3");
    assertThat(output).containsExactly("1", "2", "3");
    assertThat(meter(KinesisMetricNames.RESUBSCRIPTIONS)).isEqualTo(1);
  }

  @Test
  void flink39540_aShardThatEndedIsNeverSubscribedAgain() throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(ShardPosition.trimHorizon())));
    poll(reader);
    FakeSubscription sub = kinesis.only();
    sub.push(event(records(1, 2), "2"));
    poll(reader);
    // the last event of a closed shard: its children, no continuation; then the stream ends
    sub.push(
        SubscribeToShardEvent.builder()
            .records(records(3, 3))
            .millisBehindLatest(0L)
            .childShards(
                ChildShard.builder().shardId("shardId-000000000001").parentShards(SHARD).build(),
                ChildShard.builder().shardId("shardId-000000000002").parentShards(SHARD).build())
            .build());
    sub.complete();
    pollFor(reader, Duration.ofSeconds(30));

    assertThat(kinesis.subscriptions).as("no subscription after the end").hasSize(1);
    assertThat(output).containsExactly("1", "2", "3");
    assertThat(context.events).contains(new ShardsEndedEvent(List.of(STREAM + "/" + SHARD)));
    List<KinesisShardSplit> state = reader.snapshotState(1);
    assertThat(state).singleElement().satisfies(s -> assertThat(s.finished()).isTrue());
  }

  @Test
  void flink37627_checkpointsTakenWhileAShardEndsRestoreWithNothingLostOrReadAgain()
      throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(ShardPosition.trimHorizon())));
    poll(reader);
    kinesis.only().push(event(records(1, 2), "2"));
    poll(reader);
    List<KinesisShardSplit> beforeTheEnd = reader.snapshotState(1);
    kinesis.only().push(endOfShard(records(3, 3)));
    poll(reader);
    List<KinesisShardSplit> atTheEnd = reader.snapshotState(2);
    reader.close();
    assertThat(output).containsExactly("1", "2", "3");
    assertThat(atTheEnd).singleElement().satisfies(s -> assertThat(s.finished()).isTrue());

    // restored from before the end: the rest of the shard, then its end
    output.clear();
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> early = reader(b -> b);
    early.addSplits(beforeTheEnd);
    poll(early);
    FakeSubscription resumed = kinesis.subscriptions.get(1);
    assertThat(resumed.request.startingPosition().sequenceNumber()).isEqualTo("2");
    resumed.push(endOfShard(records(3, 3)));
    poll(early);
    assertThat(output).containsExactly("3");
    assertThat(early.snapshotState(3))
        .singleElement()
        .satisfies(s -> assertThat(s.finished()).isTrue());
    early.close();

    // restored from the end: the shard is finished, never subscribed, and the enumerator told
    output.clear();
    context.events.clear();
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> late = reader(b -> b);
    late.addSplits(atTheEnd);
    pollFor(late, Duration.ofSeconds(5));
    assertThat(kinesis.subscriptions).hasSize(2);
    assertThat(output).isEmpty();
    assertThat(context.events).contains(new ShardsFinishedEvent(List.of(STREAM + "/" + SHARD)));
  }

  @Test
  void flink38814_failedSubscribesBackOffThenFailTheReaderNamingTheShard() throws Exception {
    kinesis.failNext = 100;
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader =
        reader(b -> b.option(KinesisSourceOptions.RETRY_MAX_ATTEMPTS, 4));
    reader.addSplits(List.of(split(ShardPosition.trimHorizon())));

    assertThatThrownBy(() -> pollFor(reader, Duration.ofSeconds(60)))
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("SubscribeToShard on stream orders shard " + SHARD)
        .hasMessageContaining("failed 4 times in a row");
    assertThat(kinesis.subscriptions).hasSize(4);
    for (int i = 1; i < 4; i++) {
      assertThat(kinesis.subscriptions.get(i).atNanos - kinesis.subscriptions.get(i - 1).atNanos)
          .as("at most one SubscribeToShard a second")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
    }
  }

  @Test
  void flink38814_aConsumerNotActiveYetAndThrottlingAreRetriedNotFatal() throws Exception {
    kinesis.errors.add(ResourceInUseException.builder().message("not ACTIVE").build());
    kinesis.errors.add(LimitExceededException.builder().message("rate").build());
    kinesis.errors.add(LimitExceededException.builder().message("rate").build());
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader =
        reader(b -> b.option(KinesisSourceOptions.RETRY_MAX_ATTEMPTS, 2));
    reader.addSplits(List.of(split(ShardPosition.trimHorizon())));
    pollFor(reader, Duration.ofSeconds(20));

    assertThat(kinesis.subscriptions).hasSize(4);
    kinesis.subscriptions.get(3).push(event(records(1, 1), "1"));
    poll(reader);
    assertThat(output).containsExactly("1");
    assertThat(meter(KinesisMetricNames.THROTTLED_CALLS)).isEqualTo(2);
  }

  @Test
  void flink38814_subscriptionsThatEndBeforeTheirFirstEventFailTheReaderInTheEnd()
      throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader =
        reader(b -> b.option(KinesisSourceOptions.RETRY_MAX_ATTEMPTS, 3));
    reader.addSplits(List.of(split(ShardPosition.trimHorizon())));

    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 100; i++) {
                poll(reader);
                kinesis.subscriptions.get(kinesis.subscriptions.size() - 1).complete();
                pollFor(reader, Duration.ofSeconds(2));
              }
            })
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("shard " + SHARD)
        .hasMessageContaining("ended before its first event");
    assertThat(kinesis.subscriptions).hasSize(3);
  }

  @Test
  void flink38814_aSilentSubscriptionIsGivenUpAndMadeAgain() throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(ShardPosition.trimHorizon())));
    poll(reader);
    FakeSubscription silent = kinesis.only();
    pollFor(reader, Duration.ofSeconds(34));
    assertThat(kinesis.subscriptions).hasSize(1);
    pollFor(reader, Duration.ofSeconds(3));

    assertThat(silent.cancelled).isTrue();
    assertThat(kinesis.subscriptions).hasSize(2);
    kinesis.subscriptions.get(1).push(event(records(1, 1), "1"));
    poll(reader);
    assertThat(output).containsExactly("1");
  }

  @Test
  void recordsAtOrBeforeWhereTheSubscriptionStartedAreNotReadAgain() throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(ShardPosition.afterRecord("5", -1, time.milliseconds()))));
    poll(reader);
    FakeSubscription sub = kinesis.only();
    assertThat(sub.request.startingPosition().type())
        .isEqualTo(ShardIteratorType.AFTER_SEQUENCE_NUMBER);
    sub.push(event(records(4, 7), "7"));
    poll(reader);

    assertThat(output).containsExactly("6", "7");
  }

  @Test
  void aRestoredPositionPastTheStreamsRetentionFailsTheReaderBeforeAnySubscription()
      throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    long dayAndAHourAgo = time.milliseconds() - Duration.ofHours(25).toMillis();
    reader.addSplits(List.of(split(ShardPosition.afterRecord("5", -1, dayAndAHourAgo))));

    assertThatThrownBy(() -> pollFor(reader, Duration.ofSeconds(1)))
        .hasMessageContaining("shard " + SHARD)
        .hasMessageContaining("older than the stream's retention period of 24h");
    assertThat(kinesis.subscriptions).isEmpty();
  }

  @Test
  void aServerErrorOnAnEventStreamIsResubscribedFromTheLastEvent() throws Exception {
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = reader(b -> b);
    reader.addSplits(List.of(split(ShardPosition.trimHorizon())));
    poll(reader);
    FakeSubscription first = kinesis.only();
    first.push(event(records(1, 2), "2"));
    poll(reader);
    first.fail(KinesisException.builder().message("Internal").statusCode(500).build());
    pollFor(reader, Duration.ofSeconds(5));

    assertThat(kinesis.subscriptions).hasSize(2);
    assertThat(kinesis.subscriptions.get(1).request.startingPosition().sequenceNumber())
        .isEqualTo("2");
    kinesis.subscriptions.get(1).push(event(records(2, 4), "4"));
    poll(reader);
    assertThat(output).containsExactly("1", "2", "3", "4");
  }

  // ------------------------------------------------------------------ helpers

  private SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader(
      UnaryOperator<KinesisSource.Builder<byte[]>> options) {
    KinesisSource<byte[]> source =
        options
            .apply(
                KinesisSource.builder().stream(STREAM)
                    .proxyFactory(config -> kinesis)
                    .option(KinesisSourceOptions.READER_TYPE, ReaderType.FAN_OUT)
                    .option(KinesisSourceOptions.FAN_OUT_CONSUMER_ARN, ARN))
            .build();
    SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader = source.createReader(context);
    reader.start();
    return reader;
  }

  private void poll(SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader)
      throws Exception {
    while (reader.pollNext(collector) == InputStatus.MORE_AVAILABLE) {
      // drain
    }
  }

  private void pollFor(SourceReader<KinesisRecord<byte[]>, KinesisShardSplit> reader, Duration d)
      throws Exception {
    long end = time.nanoseconds() + d.toNanos();
    while (time.nanoseconds() < end) {
      poll(reader);
      time.advance(Duration.ofMillis(50));
    }
  }

  private double meter(String name) {
    return context.metrics.get(name).tag("split", STREAM + "/" + SHARD).counter().count();
  }

  private static KinesisShardSplit split(ShardPosition position) {
    return new KinesisShardSplit(
        STREAM, SHARD, List.of(), "0", MAX_HASH.toString(), position, false);
  }

  /** Records with sequence numbers (and values) {@code from} to {@code to}. */
  private static List<Record> records(int from, int to) {
    List<Record> records = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      records.add(
          Record.builder()
              .sequenceNumber(Integer.toString(i))
              .partitionKey("k")
              .data(SdkBytes.fromUtf8String(Integer.toString(i)))
              .approximateArrivalTimestamp(Instant.ofEpochSecond(1_800_000_000L))
              .build());
    }
    return records;
  }

  /** The last event of a closed shard: its children, no continuation. */
  private static SubscribeToShardEvent endOfShard(List<Record> records) {
    return SubscribeToShardEvent.builder()
        .records(records)
        .millisBehindLatest(0L)
        .childShards(
            ChildShard.builder().shardId("shardId-000000000001").parentShards(SHARD).build())
        .build();
  }

  private static SubscribeToShardEvent event(List<Record> records, String continuation) {
    return SubscribeToShardEvent.builder()
        .records(records)
        .continuationSequenceNumber(continuation)
        .millisBehindLatest(0L)
        .build();
  }

  /** SubscribeToShard by hand: each call is a subscription the test drives. */
  private final class Subscriptions implements KinesisProxy {
    final List<FakeSubscription> subscriptions = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();
    int failNext;

    FakeSubscription only() {
      assertThat(subscriptions).hasSize(1);
      return subscriptions.get(0);
    }

    @Override
    public synchronized CompletableFuture<Void> subscribeToShard(
        SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
      FakeSubscription sub = new FakeSubscription(request, time.nanoseconds());
      subscriptions.add(sub);
      if (!errors.isEmpty()) {
        sub.call.completeExceptionally(errors.remove(0));
        return sub.call;
      }
      if (failNext > 0) {
        failNext--;
        sub.call.completeExceptionally(
            KinesisException.builder().message("Internal").statusCode(500).build());
        return sub.call;
      }
      handler.onEventStream(sub);
      return sub.call;
    }

    @Override
    public CompletableFuture<ConsumerDescription> describeStreamConsumer(
        String streamArn, String consumerName, String consumerArn) {
      return CompletableFuture.completedFuture(
          ConsumerDescription.builder()
              .consumerARN(ARN)
              .consumerName("c")
              .consumerStatus(ConsumerStatus.ACTIVE)
              .streamARN("arn:aws:kinesis:us-east-1:000000000000:stream/orders")
              .build());
    }

    @Override
    public CompletableFuture<StreamDescriptionSummary> describeStreamSummary(String stream) {
      return CompletableFuture.completedFuture(
          StreamDescriptionSummary.builder()
              .streamName(stream)
              .streamARN("arn:aws:kinesis:us-east-1:000000000000:stream/" + stream)
              .retentionPeriodHours(24)
              .build());
    }

    @Override
    public CompletableFuture<ListShardsResponse> listShards(
        String stream, String afterShardId, String nextToken) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<String> getShardIterator(
        String stream,
        String shardId,
        ShardIteratorType type,
        String sequenceNumber,
        Instant timestamp) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<GetRecordsResponse> getRecords(
        String stream, String shardIterator, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }

  /** One subscription: what was asked of it, and the events the test pushes. */
  private static final class FakeSubscription
      implements SdkPublisher<SubscribeToShardEventStream>, Subscription {
    final SubscribeToShardRequest request;
    final long atNanos;
    final CompletableFuture<Void> call = new CompletableFuture<>();
    Subscriber<? super SubscribeToShardEventStream> subscriber;
    long requested;
    boolean cancelled;

    FakeSubscription(SubscribeToShardRequest request, long atNanos) {
      this.request = request;
      this.atNanos = atNanos;
    }

    @Override
    public void subscribe(Subscriber<? super SubscribeToShardEventStream> s) {
      subscriber = s;
      s.onSubscribe(this);
    }

    @Override
    public void request(long n) {
      requested += n;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    void push(SubscribeToShardEvent event) {
      subscriber.onNext(event);
    }

    void complete() {
      subscriber.onComplete();
      call.complete(null);
    }

    void fail(Throwable error) {
      subscriber.onError(error);
      call.completeExceptionally(error);
    }
  }
}
