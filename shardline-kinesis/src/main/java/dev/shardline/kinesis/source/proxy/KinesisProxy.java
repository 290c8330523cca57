package dev.shardline.kinesis.source.proxy;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/**
 * The Kinesis calls the source makes, asynchronously: the seam between the source's logic and the
 * AWS SDK. {@link SdkKinesisProxy} implements it over a {@code KinesisAsyncClient}; tests put a
 * fake behind it. Futures fail with the SDK's exceptions (possibly wrapped in a {@code
 * CompletionException}); {@link KinesisErrors} classifies them. Implementations are thread-safe;
 * futures may complete on any thread, so callers hand results back to their own.
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

  /** Releases the client; calls in flight fail. */
  @Override
  void close();
}
