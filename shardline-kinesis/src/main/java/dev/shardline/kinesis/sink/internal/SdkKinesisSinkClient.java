package dev.shardline.kinesis.sink.internal;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.kinesis.source.proxy.SdkKinesisProxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.services.kinesis.KinesisServiceClientConfiguration;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * {@link KinesisSinkClient} over an {@link SdkKinesisProxy}: the synchronous SDK client (HTTP/1.1)
 * the proxy builds from the options, or an asynchronous one the user gave. Each PutRecords is one
 * attempt with the configured attempt timeout and the SDK's own retries turned off (the sink
 * retries only the failed records, and counts the attempts against its budget). Thread-safe, as the
 * proxy is.
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

  private final SdkKinesisProxy proxy;
  private final AwsRequestOverrideConfiguration putRecordsOverride;

  /**
   * @param proxy makes the calls and watches whether Kinesis answers (calls fail with a {@code
   *     ServerUnreachableException} once it has not for longer than its limit); closed with this
   * @param attemptTimeout how long one PutRecords may take
   */
  public SdkKinesisSinkClient(SdkKinesisProxy proxy, Duration attemptTimeout) {
    this.proxy = checkNotNull(proxy, "proxy");
    AwsRequestOverrideConfiguration.Builder override =
        // the attempt's timeout only: with no retries it bounds the call too, and each timeout is a
        // task on the SDK's timer thread (two per request cost about 3% of the sink's CPU)
        AwsRequestOverrideConfiguration.builder().apiCallAttemptTimeout(attemptTimeout);
    if (!proxy.retriesOff()) {
      // a client the user gave: its retries off for PutRecords only. A request's plugin makes the
      // SDK copy the client's configuration for each request, so not for the proxy's own client,
      // which has them off already
      override.addPlugin(NO_RETRIES);
    }
    this.putRecordsOverride = override.build();
  }

  @Override
  public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
    PutRecordsRequest once = request.toBuilder().overrideConfiguration(putRecordsOverride).build();
    return proxy.call(c -> c.putRecords(once), c -> c.putRecords(once));
  }

  @Override
  public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
    return proxy.call(c -> c.listShards(request), c -> c.listShards(request));
  }

  @Override
  public void close() {
    proxy.close();
  }
}
