package dev.shardline.kinesis.sink.internal;

import dev.shardline.kinesis.internal.KinesisErrors;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * The two Kinesis calls the sink makes, so its logic runs against the SDK's async client in
 * production ({@link SdkKinesisSinkClient}) and a hand-written fake in unit tests. Futures fail
 * with the SDK's exceptions ({@code KinesisException} and its subclasses, {@code
 * SdkClientException}); {@link KinesisErrors} classifies them. Implementations are thread-safe.
 */
public interface KinesisSinkClient extends AutoCloseable {

  /** One PutRecords attempt: no retries below this call, the sink does its own. */
  CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request);

  /** One page of ListShards. */
  CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request);

  /** Releases the client, if this sink owns it. */
  @Override
  void close();
}
