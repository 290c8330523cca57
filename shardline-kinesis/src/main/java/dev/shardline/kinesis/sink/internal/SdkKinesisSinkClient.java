package dev.shardline.kinesis.sink.internal;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.kinesis.source.proxy.SdkKinesisProxy;
import dev.shardline.retry.ServerReachability;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisServiceClientConfiguration;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * {@link KinesisSinkClient} over the SDK's {@link KinesisAsyncClient}. Each PutRecords is one
 * attempt with the configured attempt timeout and the SDK's own retries turned off (the sink
 * retries only the failed records, and counts the attempts against its budget); ListShards keeps
 * the client's retries. Thread-safe, as the SDK client is.
 */
public final class SdkKinesisSinkClient implements KinesisSinkClient {
  private static final SdkPlugin NO_RETRIES =
      config -> {
        KinesisServiceClientConfiguration.Builder kinesis =
            (KinesisServiceClientConfiguration.Builder) config;
        kinesis.overrideConfiguration(
            kinesis.overrideConfiguration().toBuilder()
                .retryStrategy(AwsRetryStrategy.doNotRetry())
                .build());
      };

  private final KinesisAsyncClient client;
  private final AutoCloseable owner;
  private final AwsRequestOverrideConfiguration putRecordsOverride;
  private final ServerReachability reachability;

  /**
   * @param client the SDK client
   * @param attemptTimeout how long one PutRecords may take
   * @param owner what {@link #close()} closes: the client, or what owns it; null for nothing
   * @param reachability watches whether Kinesis answers; calls fail with a {@code
   *     ServerUnreachableException} once it has not for longer than its limit
   */
  public SdkKinesisSinkClient(
      KinesisAsyncClient client,
      Duration attemptTimeout,
      AutoCloseable owner,
      ServerReachability reachability) {
    this.client = checkNotNull(client, "client");
    this.owner = owner;
    this.reachability = checkNotNull(reachability, "reachability");
    this.putRecordsOverride =
        AwsRequestOverrideConfiguration.builder()
            .apiCallAttemptTimeout(attemptTimeout)
            .apiCallTimeout(attemptTimeout)
            .addPlugin(NO_RETRIES)
            .build();
  }

  @Override
  public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
    return SdkKinesisProxy.watch(
        reachability,
        client.putRecords(request.toBuilder().overrideConfiguration(putRecordsOverride).build()));
  }

  @Override
  public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
    return SdkKinesisProxy.watch(reachability, client.listShards(request));
  }

  @Override
  public void close() {
    reachability.stop();
    if (owner != null) {
      try {
        owner.close();
      } catch (Exception e) {
        LoggerFactory.getLogger(SdkKinesisSinkClient.class).warn("Closing the Kinesis client", e);
      }
    }
  }
}
