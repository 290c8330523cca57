package dev.shardline.kinesis.source.proxy;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.ShardlineException;
import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.AwsOptions;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.config.KinesisClientProperties;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.config.KinesisSourceOptions.ReaderType;
import dev.shardline.retry.ServerReachability;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.time.Time;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * {@link KinesisProxy} over the AWS SDK v2 {@link KinesisAsyncClient} with the Netty HTTP client:
 * no thread per shard, a few I/O threads for all of them. The SDK's own retries are off (the source
 * backs off per shard and counts throttled calls itself), and futures complete on the I/O thread,
 * as the source only queues the result for its own thread. Thread-safe.
 *
 * <p>The wire protocol is CBOR unless {@code clientConfigProperties.cborEnabled} is false (for
 * servers that only speak JSON). The SDK reads that setting from the system property {@code
 * aws.cborEnabled} once, when a client is built; so the client is built under a JVM-wide lock with
 * the property set, and the property is put back right after.
 */
public final class SdkKinesisProxy implements KinesisProxy {
  /** The system property the SDK reads when a client is built. */
  static final String CBOR_PROPERTY = "aws.cborEnabled";

  private static final Object CBOR_LOCK = new Object();

  /**
   * No Kinesis record arrived before this: an earlier arrival time is a server that mishandles
   * CBOR's timestamps (kinesalite sends seconds where the SDK reads milliseconds).
   */
  static final Instant FIRST_POSSIBLE_ARRIVAL = Instant.parse("2013-01-01T00:00:00Z");

  private static final String CBOR_HINT =
      ". The server does not speak the SDK's CBOR protocol correctly (kinesalite does not): set"
          + " clientConfigProperties.cborEnabled: false";

  /**
   * How long closing waits for the I/O threads to end. With no quiet period they end as soon as the
   * tasks already queued ran (milliseconds); this only bounds a thread stuck in a task.
   */
  static final Duration EVENT_LOOP_SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

  private final KinesisAsyncClient client;
  private final SdkAsyncHttpClient http;
  private final SdkEventLoopGroup eventLoops;
  private final boolean cbor;
  private final ServerReachability reachability;

  private SdkKinesisProxy(
      KinesisAsyncClient client,
      SdkAsyncHttpClient http,
      SdkEventLoopGroup eventLoops,
      boolean cbor,
      ServerReachability reachability) {
    this.client = client;
    this.http = http;
    this.eventLoops = eventLoops;
    this.cbor = cbor;
    this.reachability = reachability;
  }

  /** What tells whether this proxy's Kinesis answers; null for a proxy made without one. */
  public ServerReachability reachability() {
    return reachability;
  }

  /**
   * How a proxy for {@code config} watches whether Kinesis answers: {@code Kinesis at
   * http://127.0.0.1:4567} or {@code Kinesis in region eu-west-1}, failing after {@link
   * AwsOptions#UNREACHABLE_TIMEOUT}.
   */
  public static ServerReachability reachability(Configuration config) {
    AwsRegion region = AwsRegion.fromConfiguration(config);
    String server;
    String check;
    if (region.endpoint().isPresent()) {
      server = "Kinesis at " + region.endpoint().get();
      check = "that the server is up and that awsRegion.endpoint is right";
    } else {
      server = "Kinesis in " + region.describe();
      check =
          "the network path to Kinesis (proxy, firewall, VPC endpoint) and that awsRegion is"
              + " right";
    }
    return new ServerReachability(
        server,
        config.get(AwsOptions.UNREACHABLE_TIMEOUT),
        check,
        "option " + AwsOptions.UNREACHABLE_TIMEOUT.key(),
        Time.SYSTEM);
  }

  /**
   * {@code call}, reporting to {@code reachability} whether Kinesis answered; once it has given no
   * answer for longer than the limit, the call fails with a {@link ServerUnreachableException}
   * (which the source's and the sink's classifiers treat as final) instead of its own error.
   */
  public static <T> CompletableFuture<T> watch(
      ServerReachability reachability, CompletableFuture<T> call) {
    return call.handle(
        (value, error) -> {
          if (error == null) {
            reachability.answered();
            return value;
          }
          if (!KinesisErrors.isNoAnswer(error)) {
            reachability.answered();
          } else {
            ServerUnreachableException unreachable =
                reachability.noAnswer(KinesisErrors.unwrap(error));
            if (unreachable != null) {
              throw new CompletionException(unreachable);
            }
          }
          throw error instanceof CompletionException c ? c : new CompletionException(error);
        });
  }

  /** Whether the last call got no answer (and none answered since). For tests. */
  boolean inOutage() {
    return reachability != null && reachability.inOutage();
  }

  /** Whether the I/O threads have ended (after {@link #close()}). For tests. */
  boolean eventLoopsTerminated() {
    return eventLoops == null || eventLoops.eventLoopGroup().isTerminated();
  }

  /**
   * A proxy as the {@link AwsOptions} in {@code config} say.
   *
   * @throws ConfigException when the region cannot be determined or the options are inconsistent
   */
  public static SdkKinesisProxy create(Configuration config) {
    checkNotNull(config, "config");
    AwsRegion region = AwsRegion.fromConfiguration(config);
    AwsCredentials credentials = AwsCredentials.fromConfiguration(config);
    KinesisClientProperties properties =
        KinesisClientProperties.from(config.get(AwsOptions.CLIENT_CONFIG_PROPERTIES));
    // our own event loops, not the client's: the client would close them with Netty's default
    // quiet period of 2 s (each stop and restart waiting 2 s per client); we close them with none
    SdkEventLoopGroup eventLoops =
        SdkEventLoopGroup.builder().numberOfThreads(properties.eventLoopThreads()).build();
    SdkAsyncHttpClient http;
    try {
      http =
          NettyNioAsyncHttpClient.builder()
              .maxConcurrency(properties.maxConcurrency())
              .connectionTimeout(properties.connectionTimeout())
              .readTimeout(properties.readTimeout())
              .writeTimeout(properties.readTimeout())
              .eventLoopGroup(eventLoops)
              .protocol(http2(config, properties) ? Protocol.HTTP2 : Protocol.HTTP1_1)
              .build();
    } catch (RuntimeException e) {
      shutDown(eventLoops);
      throw e;
    }
    try {
      KinesisAsyncClientBuilder builder =
          KinesisAsyncClient.builder()
              .httpClient(http)
              .credentialsProvider(credentials.toProvider())
              .asyncConfiguration(
                  a ->
                      a.advancedOption(
                          SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run))
              .overrideConfiguration(
                  o -> {
                    o.retryStrategy(AwsRetryStrategy.doNotRetry());
                    properties.apiCallTimeout().ifPresent(o::apiCallTimeout);
                    properties.apiCallAttemptTimeout().ifPresent(o::apiCallAttemptTimeout);
                  });
      region.region().ifPresent(builder::region);
      region.endpoint().ifPresent(builder::endpointOverride);
      KinesisAsyncClient client = withCborSetting(properties.cbor(), builder::build);
      return new SdkKinesisProxy(client, http, eventLoops, properties.cbor(), reachability(config));
    } catch (SdkClientException e) {
      http.close();
      shutDown(eventLoops);
      throw new ConfigException(
          AwsOptions.REGION_TYPE.key(),
          "Cannot create the Kinesis client for "
              + region.describe()
              + ": "
              + e.getMessage()
              + ". Set awsRegion.type specific with awsRegion.id, or configure the default"
              + " region (AWS_REGION)");
    } catch (RuntimeException e) {
      http.close();
      shutDown(eventLoops);
      throw e;
    }
  }

  /**
   * Whether the client speaks HTTP/2: as {@code clientConfigProperties.protocol} says, else HTTP/2
   * for a fan-out source (AWS serves SubscribeToShard over HTTP/2 only) and HTTP/1.1 otherwise.
   */
  static boolean http2(Configuration config, KinesisClientProperties properties) {
    boolean given =
        config.get(AwsOptions.CLIENT_CONFIG_PROPERTIES).keySet().stream()
            .anyMatch(k -> k.equalsIgnoreCase("protocol"));
    if (given) {
      return properties.http2();
    }
    return config.getOptional(KinesisSourceOptions.READER_TYPE).orElse(ReaderType.POLLING)
        == ReaderType.FAN_OUT;
  }

  /** A proxy over a client built elsewhere; closing the proxy closes the client. */
  public static SdkKinesisProxy of(KinesisAsyncClient client) {
    return new SdkKinesisProxy(checkNotNull(client, "client"), null, null, false, null);
  }

  /**
   * The SDK client behind this proxy, for other Kinesis calls made with the same settings (the
   * Kinesis sink's PutRecords); it stays owned by this proxy and closes with it.
   */
  public KinesisAsyncClient client() {
    return client;
  }

  @Override
  public CompletableFuture<StreamDescriptionSummary> describeStreamSummary(String stream) {
    return watched(
        client
            .describeStreamSummary(b -> b.streamName(stream))
            .thenApply(r -> r.streamDescriptionSummary()));
  }

  @Override
  public CompletableFuture<ListShardsResponse> listShards(
      String stream, String afterShardId, String nextToken) {
    ListShardsRequest.Builder request = ListShardsRequest.builder();
    if (nextToken != null) {
      request.nextToken(nextToken);
    } else {
      request.streamName(stream);
      if (afterShardId != null) {
        request.shardFilter(f -> f.type(ShardFilterType.AFTER_SHARD_ID).shardId(afterShardId));
      }
    }
    return watched(client.listShards(request.build()));
  }

  @Override
  public CompletableFuture<String> getShardIterator(
      String stream,
      String shardId,
      ShardIteratorType type,
      String sequenceNumber,
      Instant timestamp) {
    GetShardIteratorRequest.Builder request =
        GetShardIteratorRequest.builder()
            .streamName(stream)
            .shardId(shardId)
            .shardIteratorType(type);
    if (sequenceNumber != null) {
      request.startingSequenceNumber(sequenceNumber);
    }
    if (timestamp != null) {
      request.timestamp(timestamp);
    }
    return explainCborErrors(
        watched(
            client
                .getShardIterator(request.build())
                .thenApply(GetShardIteratorResponse::shardIterator)));
  }

  @Override
  public CompletableFuture<GetRecordsResponse> getRecords(
      String stream, String shardIterator, int limit) {
    CompletableFuture<GetRecordsResponse> response =
        watched(
            client.getRecords(
                GetRecordsRequest.builder().shardIterator(shardIterator).limit(limit).build()));
    if (!cbor) {
      return response;
    }
    return explainCborErrors(response.thenApply(SdkKinesisProxy::checkCborTimestamps));
  }

  @Override
  public CompletableFuture<Consumer> registerStreamConsumer(String streamArn, String consumerName) {
    return watched(
        client
            .registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(consumerName))
            .thenApply(RegisterStreamConsumerResponse::consumer));
  }

  @Override
  public CompletableFuture<ConsumerDescription> describeStreamConsumer(
      String streamArn, String consumerName, String consumerArn) {
    DescribeStreamConsumerRequest.Builder request = DescribeStreamConsumerRequest.builder();
    if (consumerArn != null) {
      request.consumerARN(consumerArn);
    } else {
      request.streamARN(streamArn).consumerName(consumerName);
    }
    return watched(
        client
            .describeStreamConsumer(request.build())
            .thenApply(DescribeStreamConsumerResponse::consumerDescription));
  }

  @Override
  public CompletableFuture<Void> deregisterStreamConsumer(String consumerArn) {
    return watched(
        client
            .deregisterStreamConsumer(b -> b.consumerARN(consumerArn))
            .thenApply(r -> (Void) null));
  }

  @Override
  public CompletableFuture<Void> subscribeToShard(
      SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
    return watched(client.subscribeToShard(request, handler));
  }

  /**
   * Over CBOR, a server that mishandles timestamps answers arrival times in January 1970: refused
   * with the fix, as they would break checkpoints (retention checks) and every arrival time.
   */
  static GetRecordsResponse checkCborTimestamps(GetRecordsResponse response) {
    if (response.hasRecords() && !response.records().isEmpty()) {
      Instant arrival = response.records().get(0).approximateArrivalTimestamp();
      if (arrival != null && arrival.isBefore(FIRST_POSSIBLE_ARRIVAL)) {
        throw new ShardlineException(
            "GetRecords answered an approximate arrival time of " + arrival + CBOR_HINT);
      }
    }
    return response;
  }

  private <T> CompletableFuture<T> watched(CompletableFuture<T> call) {
    return reachability == null ? call : watch(reachability, call);
  }

  /** Over CBOR, a SerializationException says the server misread the request: add the fix. */
  private <T> CompletableFuture<T> explainCborErrors(CompletableFuture<T> call) {
    if (!cbor) {
      return call;
    }
    return call.handle(
        (value, error) -> {
          if (error == null) {
            return value;
          }
          Throwable cause = KinesisErrors.unwrap(error);
          if (cause instanceof AwsServiceException service
              && service.awsErrorDetails() != null
              && "SerializationException".equals(service.awsErrorDetails().errorCode())) {
            throw new ShardlineException(KinesisErrors.describe(cause) + CBOR_HINT, cause);
          }
          throw error instanceof CompletionException c ? c : new CompletionException(error);
        });
  }

  /**
   * Closes the client, its connections and its I/O threads, in milliseconds: callers close a proxy
   * once nothing they wait for is in flight (after the final checkpoint, or after a failure), so
   * the event loops are shut down without Netty's quiet period.
   */
  @Override
  public void close() {
    if (reachability != null) {
      reachability.stop();
    }
    try {
      client.close();
      if (http != null) {
        http.close();
      }
    } finally {
      if (eventLoops != null) {
        shutDown(eventLoops);
      }
    }
  }

  /** Ends the I/O threads with no quiet period, waiting a bounded time (an interrupt is kept). */
  private static void shutDown(SdkEventLoopGroup eventLoops) {
    eventLoops
        .eventLoopGroup()
        .shutdownGracefully(0, EVENT_LOOP_SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(EVENT_LOOP_SHUTDOWN_TIMEOUT.toMillis() + 500);
  }

  private static <T> T withCborSetting(boolean cbor, Supplier<T> build) {
    synchronized (CBOR_LOCK) {
      String previous = System.getProperty(CBOR_PROPERTY);
      System.setProperty(CBOR_PROPERTY, Boolean.toString(cbor));
      try {
        return build.get();
      } finally {
        if (previous == null) {
          System.clearProperty(CBOR_PROPERTY);
        } else {
          System.setProperty(CBOR_PROPERTY, previous);
        }
      }
    }
  }
}
