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
import dev.shardline.kinesis.internal.KinesisErrors;
import dev.shardline.retry.ServerReachability;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.time.Time;
import dev.shardline.util.Futures;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
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
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * {@link KinesisProxy} over the AWS SDK v2, on one of two transports:
 *
 * <ul>
 *   <li>For polling reads and the sink, over HTTP/1.1 (unless {@code
 *       clientConfigProperties.protocol} is HTTP2): the synchronous {@link KinesisClient} with the
 *       Apache 5 HTTP client, its calls run on at most {@code maxConcurrency} threads made as
 *       needed ({@link BlockingCalls}). It costs less CPU per record than the asynchronous client:
 *       the answer is parsed as it streams in, where the asynchronous client first gathers it into
 *       a growing buffer (shardline-bench/README.md, issue 13).
 *   <li>For a fan-out source (SubscribeToShard streams events; AWS serves it over HTTP/2 only), or
 *       with {@code protocol: HTTP2}: the {@link KinesisAsyncClient} with the Netty HTTP client, a
 *       few I/O threads for every shard, over HTTP/2 unless {@code protocol} is HTTP1_1.
 * </ul>
 *
 * <p>The SDK's own retries are off (the source backs off per shard and counts throttled calls
 * itself), and futures complete on the thread that made the call (an I/O thread), as the source
 * only queues the result for its own thread. Thread-safe.
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

  /** The prefix of the names of the threads that make synchronous calls. */
  static final String CALL_THREAD_NAME = "shardline-kinesis-call";

  /** The asynchronous client (HTTP/2), or null when calls go through {@link #blocking}. */
  private final KinesisAsyncClient client;

  /** The HTTP client of either SDK client: built here, so closed here (the SDK client does not). */
  private final SdkAutoCloseable http;

  private final SdkEventLoopGroup eventLoops;

  /** The synchronous client (HTTP/1.1), or null when calls go through {@link #client}. */
  private final KinesisClient blocking;

  private final BlockingCalls calls;

  /** Whether the client was built here, so with the SDK's retries off. */
  private final boolean ownClient;

  private final boolean cbor;
  private final ServerReachability reachability;

  private SdkKinesisProxy(
      KinesisAsyncClient client,
      SdkAutoCloseable http,
      SdkEventLoopGroup eventLoops,
      KinesisClient blocking,
      BlockingCalls calls,
      boolean cbor,
      ServerReachability reachability) {
    this.client = client;
    this.http = http;
    this.eventLoops = eventLoops;
    this.blocking = blocking;
    this.calls = calls;
    this.ownClient = http != null;
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
            ServerUnreachableException unreachable = reachability.noAnswer(Futures.unwrap(error));
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
    return (eventLoops == null || eventLoops.eventLoopGroup().isTerminated())
        && (calls == null || calls.ended());
  }

  /**
   * Whether the SDK's own retries are off for every call: the client was built here ({@link
   * #create}), not given ({@link #of}). A caller that needs one attempt per call on a given client
   * turns them off per request.
   */
  public boolean retriesOff() {
    return ownClient;
  }

  /** Whether calls go through the synchronous client (HTTP/1.1). For tests. */
  boolean blocking() {
    return blocking != null;
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
    try {
      return streaming(config) || http2(config, properties)
          ? createAsync(config, region, credentials, properties)
          : createBlocking(config, region, credentials, properties);
    } catch (SdkClientException e) {
      throw new ConfigException(
          AwsOptions.REGION_TYPE.key(),
          "Cannot create the Kinesis client for "
              + region.describe()
              + ": "
              + e.getMessage()
              + ". Set awsRegion.type specific with awsRegion.id, or configure the default"
              + " region (AWS_REGION)");
    }
  }

  private static SdkKinesisProxy createBlocking(
      Configuration config,
      AwsRegion region,
      AwsCredentials credentials,
      KinesisClientProperties properties) {
    SdkHttpClient http =
        Apache5HttpClient.builder()
            .maxConnections(properties.maxConcurrency())
            .connectionTimeout(properties.connectionTimeout())
            .socketTimeout(properties.readTimeout())
            .build();
    try {
      KinesisClientBuilder builder =
          KinesisClient.builder()
              .httpClient(http)
              .credentialsProvider(credentials.toProvider())
              .overrideConfiguration(o -> configure(o, properties));
      region.region().ifPresent(builder::region);
      region.endpoint().ifPresent(builder::endpointOverride);
      KinesisClient blocking = withCborSetting(properties.cbor(), builder::build);
      return new SdkKinesisProxy(
          null,
          http,
          null,
          blocking,
          new BlockingCalls(CALL_THREAD_NAME, properties.maxConcurrency()),
          properties.cbor(),
          reachability(config));
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
  }

  private static SdkKinesisProxy createAsync(
      Configuration config,
      AwsRegion region,
      AwsCredentials credentials,
      KinesisClientProperties properties) {
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
              .overrideConfiguration(o -> configure(o, properties));
      region.region().ifPresent(builder::region);
      region.endpoint().ifPresent(builder::endpointOverride);
      KinesisAsyncClient client = withCborSetting(properties.cbor(), builder::build);
      return new SdkKinesisProxy(
          client, http, eventLoops, null, null, properties.cbor(), reachability(config));
    } catch (RuntimeException e) {
      http.close();
      shutDown(eventLoops);
      throw e;
    }
  }

  private static void configure(
      ClientOverrideConfiguration.Builder override, KinesisClientProperties properties) {
    override.retryStrategy(AwsRetryStrategy.doNotRetry());
    properties.apiCallTimeout().ifPresent(override::apiCallTimeout);
    properties.apiCallAttemptTimeout().ifPresent(override::apiCallAttemptTimeout);
  }

  /** Whether {@code config} is a fan-out source's: its SubscribeToShard streams events. */
  private static boolean streaming(Configuration config) {
    return config.getOptional(KinesisSourceOptions.READER_TYPE).orElse(ReaderType.POLLING)
        == ReaderType.FAN_OUT;
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
    return streaming(config);
  }

  /**
   * A proxy over a client built elsewhere; closing the proxy closes the client.
   *
   * @param reachability watches whether Kinesis answers (see {@link #watch}), or null for no watch
   */
  public static SdkKinesisProxy of(KinesisAsyncClient client, ServerReachability reachability) {
    return new SdkKinesisProxy(
        checkNotNull(client, "client"), null, null, null, null, false, reachability);
  }

  /**
   * A call through whichever client this proxy has, watched for whether Kinesis answers: for calls
   * the {@link KinesisProxy} interface does not have (the sink's PutRecords). Both functions make
   * the same call, one on each client.
   *
   * @param onBlocking the call on the synchronous client (run on one of the proxy's threads)
   * @param onAsync the same call on the asynchronous client
   */
  public <T> CompletableFuture<T> call(
      Function<KinesisClient, T> onBlocking,
      Function<KinesisAsyncClient, CompletableFuture<T>> onAsync) {
    return watched(
        blocking != null ? calls.submit(() -> onBlocking.apply(blocking)) : onAsync.apply(client));
  }

  @Override
  public CompletableFuture<StreamDescriptionSummary> describeStreamSummary(String stream) {
    return call(
            c -> c.describeStreamSummary(b -> b.streamName(stream)),
            c -> c.describeStreamSummary(b -> b.streamName(stream)))
        .thenApply(r -> r.streamDescriptionSummary());
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
    ListShardsRequest built = request.build();
    return call(c -> c.listShards(built), c -> c.listShards(built));
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
    GetShardIteratorRequest built = request.build();
    return explainCborErrors(
        call(c -> c.getShardIterator(built), c -> c.getShardIterator(built))
            .thenApply(GetShardIteratorResponse::shardIterator));
  }

  @Override
  public CompletableFuture<GetRecordsResponse> getRecords(
      String stream, String shardIterator, int limit) {
    GetRecordsRequest request =
        GetRecordsRequest.builder().shardIterator(shardIterator).limit(limit).build();
    CompletableFuture<GetRecordsResponse> response =
        call(c -> c.getRecords(request), c -> c.getRecords(request));
    if (!cbor) {
      return response;
    }
    return explainCborErrors(response.thenApply(SdkKinesisProxy::checkCborTimestamps));
  }

  @Override
  public CompletableFuture<Consumer> registerStreamConsumer(String streamArn, String consumerName) {
    return call(
            c -> c.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(consumerName)),
            c -> c.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(consumerName)))
        .thenApply(RegisterStreamConsumerResponse::consumer);
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
    DescribeStreamConsumerRequest built = request.build();
    return call(c -> c.describeStreamConsumer(built), c -> c.describeStreamConsumer(built))
        .thenApply(DescribeStreamConsumerResponse::consumerDescription);
  }

  @Override
  public CompletableFuture<Void> deregisterStreamConsumer(String consumerArn) {
    return call(
            c -> c.deregisterStreamConsumer(b -> b.consumerARN(consumerArn)),
            c -> c.deregisterStreamConsumer(b -> b.consumerARN(consumerArn)))
        .thenApply(r -> (Void) null);
  }

  @Override
  public CompletableFuture<Void> subscribeToShard(
      SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
    if (client == null) {
      // only the asynchronous client streams events; create(..) picks it for a fan-out source
      throw new IllegalStateException("SubscribeToShard needs the asynchronous client");
    }
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
          Throwable cause = Futures.unwrap(error);
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
      if (calls != null) {
        calls.close();
      }
      if (blocking != null) {
        blocking.close();
      }
      if (client != null) {
        client.close();
      }
      if (http != null) {
        http.close();
      }
    } finally {
      if (calls != null) {
        calls.awaitEnd(EVENT_LOOP_SHUTDOWN_TIMEOUT);
      }
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
