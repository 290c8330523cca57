package dev.shardline.bench.kinesis.source;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * The fan-out baseline: the least a program can do to read a stream with SubscribeToShard. One
 * subscription per shard from TRIM_HORIZON, all events asked for at once (no backpressure), every
 * record counted as its user records ({@link BareGetRecordsLoop#userRecords}: aggregates
 * de-aggregated), a subscription that ends made again after its last continuation, no checkpoints.
 */
final class BareSubscribeToShardLoop {
  private BareSubscribeToShardLoop() {}

  /**
   * Reads every shard of {@code stream} with the consumer {@code consumerArn} until {@code
   * expected} user records.
   */
  static BareGetRecordsLoop.Drained drain(
      KinesisAsyncClient client, String stream, String consumerArn, long expected)
      throws Exception {
    AtomicLong records = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong events = new AtomicLong();
    CompletableFuture<Void> done = new CompletableFuture<>();
    List<ShardSubscriber> subscribers = new ArrayList<>();
    for (var shard : client.listShards(b -> b.streamName(stream)).join().shards()) {
      ShardSubscriber s =
          new ShardSubscriber(
              client, consumerArn, shard.shardId(), expected, records, bytes, events, done);
      subscribers.add(s);
      s.subscribe(StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build());
    }
    try {
      done.get(15, TimeUnit.MINUTES);
    } finally {
      for (ShardSubscriber s : subscribers) {
        s.cancel();
      }
    }
    return new BareGetRecordsLoop.Drained(records.get(), bytes.get(), events.get());
  }

  /**
   * Subscribes every shard of {@code stream} at LATEST and keeps the subscriptions (made again when
   * they end) until the returned handle is closed; {@code events} counts the events.
   */
  static AutoCloseable subscribeAtLatest(
      KinesisAsyncClient client, String stream, String consumerArn, AtomicLong events) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    List<ShardSubscriber> subscribers = new ArrayList<>();
    for (var shard : client.listShards(b -> b.streamName(stream)).join().shards()) {
      ShardSubscriber s =
          new ShardSubscriber(
              client,
              consumerArn,
              shard.shardId(),
              Long.MAX_VALUE,
              new AtomicLong(),
              new AtomicLong(),
              events,
              done);
      subscribers.add(s);
      s.subscribe(StartingPosition.builder().type(ShardIteratorType.LATEST).build());
    }
    return () -> {
      done.complete(null);
      for (ShardSubscriber s : subscribers) {
        s.cancel();
      }
    };
  }

  private static final class ShardSubscriber implements Subscriber<SubscribeToShardEventStream> {
    final KinesisAsyncClient client;
    final String consumerArn;
    final String shardId;
    final long expected;
    final AtomicLong records;
    final AtomicLong bytes;
    final AtomicLong events;
    final CompletableFuture<Void> done;
    volatile Subscription subscription;
    volatile String continuation;

    ShardSubscriber(
        KinesisAsyncClient client,
        String consumerArn,
        String shardId,
        long expected,
        AtomicLong records,
        AtomicLong bytes,
        AtomicLong events,
        CompletableFuture<Void> done) {
      this.client = client;
      this.consumerArn = consumerArn;
      this.shardId = shardId;
      this.expected = expected;
      this.records = records;
      this.bytes = bytes;
      this.events = events;
      this.done = done;
    }

    void subscribe(StartingPosition start) {
      client
          .subscribeToShard(
              b -> b.consumerARN(consumerArn).shardId(shardId).startingPosition(start),
              SubscribeToShardResponseHandler.builder()
                  .onEventStream(publisher -> publisher.subscribe(this))
                  .onError(error -> {})
                  .build())
          .whenComplete(
              (ignored, error) -> {
                if (done.isDone()) {
                  return;
                }
                if (continuation == null) {
                  done.completeExceptionally(
                      new IllegalStateException(
                          "SubscribeToShard on " + shardId + " ended before any event", error));
                  return;
                }
                subscribe(
                    StartingPosition.builder()
                        .type(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                        .sequenceNumber(continuation)
                        .build());
              });
    }

    void cancel() {
      Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(SubscribeToShardEventStream event) {
      if (!(event instanceof SubscribeToShardEvent e)) {
        return;
      }
      events.incrementAndGet();
      long read = 0;
      long size = 0;
      for (Record record : e.records()) {
        size += record.data().asByteBuffer().remaining();
        read += BareGetRecordsLoop.userRecords(record);
      }
      bytes.addAndGet(size);
      continuation = e.continuationSequenceNumber();
      if (records.addAndGet(read) >= expected) {
        done.complete(null);
      }
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onComplete() {}
  }
}
