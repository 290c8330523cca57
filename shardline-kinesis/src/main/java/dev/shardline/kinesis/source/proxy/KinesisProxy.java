package dev.shardline.kinesis.source.proxy;

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
 * The Kinesis calls the source makes, asynchronously: the seam between the source's logic and the
 * AWS SDK. {@link SdkKinesisProxy} implements it over a {@code KinesisAsyncClient}; tests put a
 * fake behind it. Futures fail with the SDK's exceptions (possibly wrapped in a {@code
 * CompletionException}); {@link dev.shardline.kinesis.internal.KinesisErrors} classifies them into
 * the types of {@code dev.shardline.kinesis} (a proxy of your own may fail with those, or with any
 * {@code ShardlineException}, directly). Implementations are thread-safe; futures may complete on
 * any thread, so callers hand results back to their own.
 */
public interface KinesisProxy extends AutoCloseable {

  /** DescribeStreamSummary: the stream's status and retention period. */
  CompletableFuture<StreamDescriptionSummary> describeStreamSummary(String stream);

  /**
   * One page of ListShards: the first page (with {@code nextToken} null) lists the shards after
   * {@code afterShardId} (every shard when it is null), later pages continue with {@code
   * nextToken}.
   */
  CompletableFuture<ListShardsResponse> listShards(
      String stream, String afterShardId, String nextToken);

  /**
   * GetShardIterator.
   *
   * @param sequenceNumber for AT/AFTER_SEQUENCE_NUMBER, otherwise null
   * @param timestamp for AT_TIMESTAMP, otherwise null
   * @return the shard iterator
   */
  CompletableFuture<String> getShardIterator(
      String stream,
      String shardId,
      ShardIteratorType type,
      String sequenceNumber,
      Instant timestamp);

  /** GetRecords: at most {@code limit} records from {@code shardIterator}. */
  CompletableFuture<GetRecordsResponse> getRecords(String stream, String shardIterator, int limit);

  /** RegisterStreamConsumer: registers {@code consumerName} on the stream. */
  default CompletableFuture<Consumer> registerStreamConsumer(
      String streamArn, String consumerName) {
    return noFanOut("RegisterStreamConsumer");
  }

  /** DescribeStreamConsumer, by ARN ({@code consumerArn} not null) or by stream ARN and name. */
  default CompletableFuture<ConsumerDescription> describeStreamConsumer(
      String streamArn, String consumerName, String consumerArn) {
    return noFanOut("DescribeStreamConsumer");
  }

  /** DeregisterStreamConsumer, by ARN. */
  default CompletableFuture<Void> deregisterStreamConsumer(String consumerArn) {
    return noFanOut("DeregisterStreamConsumer");
  }

  /**
   * SubscribeToShard: the events go to {@code handler}'s subscriber; the future completes when the
   * subscription ends (normally after at most 5 minutes) or fails.
   */
  default CompletableFuture<Void> subscribeToShard(
      SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
    return noFanOut("SubscribeToShard");
  }

  private static <T> CompletableFuture<T> noFanOut(String call) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(call + " is not implemented by this proxy"));
  }

  /** Releases the client; calls in flight fail. */
  @Override
  void close();
}
