package dev.shardline.kinesis.source.proxy;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * A {@link KinesisProxy} that hands every call to another, for wrappers that change a few calls (a
 * benchmark stamping fan-out events, a test double adding stream consumers): every method of the
 * interface, the fan-out ones included, is forwarded here, so a wrapper never falls back to an
 * interface default by omission. Thread-safe if the delegate is.
 */
public abstract class ForwardingKinesisProxy implements KinesisProxy {
  private final KinesisProxy delegate;

  protected ForwardingKinesisProxy(KinesisProxy delegate) {
    this.delegate = checkNotNull(delegate, "delegate");
  }

  /** The proxy the calls go to. */
  protected KinesisProxy delegate() {
    return delegate;
  }

  @Override
  public CompletableFuture<StreamDescriptionSummary> describeStreamSummary(String stream) {
    return delegate.describeStreamSummary(stream);
  }

  @Override
  public CompletableFuture<ListShardsResponse> listShards(
      String stream, String afterShardId, String nextToken) {
    return delegate.listShards(stream, afterShardId, nextToken);
  }

  @Override
  public CompletableFuture<String> getShardIterator(
      String stream,
      String shardId,
      ShardIteratorType type,
      String sequenceNumber,
      Instant timestamp) {
    return delegate.getShardIterator(stream, shardId, type, sequenceNumber, timestamp);
  }

  @Override
  public CompletableFuture<GetRecordsResponse> getRecords(
      String stream, String shardIterator, int limit) {
    return delegate.getRecords(stream, shardIterator, limit);
  }

  @Override
  public CompletableFuture<Consumer> registerStreamConsumer(String streamArn, String consumerName) {
    return delegate.registerStreamConsumer(streamArn, consumerName);
  }

  @Override
  public CompletableFuture<ConsumerDescription> describeStreamConsumer(
      String streamArn, String consumerName, String consumerArn) {
    return delegate.describeStreamConsumer(streamArn, consumerName, consumerArn);
  }

  @Override
  public CompletableFuture<Void> deregisterStreamConsumer(String consumerArn) {
    return delegate.deregisterStreamConsumer(consumerArn);
  }

  @Override
  public CompletableFuture<Void> subscribeToShard(
      SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
    return delegate.subscribeToShard(request, handler);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
