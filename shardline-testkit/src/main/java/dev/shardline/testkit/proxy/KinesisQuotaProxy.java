package dev.shardline.testkit.proxy;

import dev.shardline.testkit.kinesis.KinesisClients;
import dev.shardline.testkit.kinesis.KinesisEndpoint;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.proxy.internal.CounterBook;
import dev.shardline.testkit.proxy.internal.FaultSchedule;
import dev.shardline.testkit.proxy.internal.IteratorRegistry;
import dev.shardline.testkit.proxy.internal.LoopbackUris;
import dev.shardline.testkit.proxy.internal.NettyUpstream;
import dev.shardline.testkit.proxy.internal.ProxyServer;
import dev.shardline.testkit.proxy.internal.QuotaBook;
import dev.shardline.testkit.proxy.internal.RequestProcessor;
import dev.shardline.testkit.proxy.internal.ShardMapCache;
import dev.shardline.testkit.proxy.internal.ShardRef;
import dev.shardline.testkit.proxy.internal.SubscriptionRelay;
import dev.shardline.testkit.proxy.internal.Subscriptions;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * An HTTP proxy between Kinesis clients and a local Kinesis server (kinesis-local or kinesalite)
 * that does what no local server does: it enforces the per-shard quotas of Kinesis Data Streams and
 * injects faults on demand. Every test of throttling, of ordering under partial failure and of
 * throughput goes through one.
 *
 * <ul>
 *   <li><b>Writes</b> (PutRecords, PutRecord): per shard, at most 1,000 records and 1 MiB (data
 *       plus partition key) in any one-second window. A record's shard is the open shard whose hash
 *       key range holds the MD5 of its partition key (or its ExplicitHashKey); the proxy lists
 *       shards with ListShards and follows resharding. PutRecords records over quota fail one by
 *       one in the response ({@code ProvisionedThroughputExceededException}, with AWS's message and
 *       {@code FailedRecordCount}); only the accepted records reach the server, and its results are
 *       merged back in the original order. A PutRecord over quota gets HTTP 400 {@code
 *       ProvisionedThroughputExceededException}.
 *   <li><b>Reads</b> (GetRecords): per shard, at most 5 calls in any one-second window, and 2 MiB
 *       of record data per second (a call that goes over still returns its data; calls after it are
 *       throttled until the budget recovers). Shards are known by the iterators the proxy saw in
 *       GetShardIterator and GetRecords answers; an iterator it never saw passes unthrottled.
 *   <li><b>Enhanced fan-out</b> (SubscribeToShard over HTTP/1.1): the event stream is relayed event
 *       by event as the server sends it. At most 1 call per second per consumer and shard (else
 *       HTTP 400 {@code LimitExceededException}); a new subscription of a consumer and shard takes
 *       over the old one, which ends with a {@code ResourceInUseException}; a closed shard's
 *       subscription ends with {@code ChildShards} as on AWS (see {@link
 *       Builder#endClosedShardSubscriptions}).
 *   <li><b>Faults</b>: see {@link #faults()} and {@link Fault}.
 *   <li><b>Everything else</b> passes through unchanged, in the client's protocol (JSON or CBOR).
 * </ul>
 *
 * <p>Example:
 *
 * <pre>{@code
 * try (LocalKinesis kinesis = LocalKinesis.start();
 *     KinesisQuotaProxy proxy = KinesisQuotaProxy.builder().upstream(kinesis).start()) {
 *   kinesis.createStream("orders", 1);
 *   PutRecordsResponse response = proxy.client().putRecords(request); // throttled like AWS
 *   proxy.faults().failNext(Operation.GET_RECORDS, 1, Fault.EXPIRED_ITERATOR);
 *   long throttled = proxy.counters().throttledRecords();
 * }
 * }</pre>
 *
 * <p>The proxy listens on 127.0.0.1 on a free port and only connects to an upstream on the loopback
 * interface. Thread-safe: any number of clients may use it at once, and tests may arm faults and
 * read counters while they do. {@link #close()} stops it and frees its port.
 */
public final class KinesisQuotaProxy implements KinesisEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisQuotaProxy.class);
  private static final String DEFAULT_ACCOUNT_ID = "000000000000";

  private final URI endpoint;
  private final URI upstreamUri;
  private final Region region;
  private final AwsCredentialsProvider credentials;
  private final boolean cbor;
  private final ShardQuotas quotas;
  private final KinesisEndpoint ownedUpstream;
  private final EventLoopGroup eventLoops;
  private final NettyUpstream upstream;
  private final ProxyServer server;
  private final QuotaBook quotaBook;
  private final Subscriptions subscriptions;
  private final Faults faults;
  private final ProxyCounters counters;
  private final Object clientLock = new Object();
  private KinesisClient client;
  private KinesisAsyncClient asyncClient;
  private boolean closed;

  private KinesisQuotaProxy(Builder builder) {
    this.upstreamUri = builder.upstreamUri;
    this.region = builder.region;
    this.credentials = builder.credentials;
    this.cbor = builder.cbor();
    this.quotas = builder.quotas;
    this.ownedUpstream = builder.closeUpstream ? builder.upstreamEndpoint : null;
    this.eventLoops =
        new NioEventLoopGroup(
            builder.eventLoopThreads, new DefaultThreadFactory("kinesis-quota-proxy", true));
    try {
      CounterBook counterBook = new CounterBook();
      FaultSchedule schedule = new FaultSchedule();
      this.quotaBook = new QuotaBook(builder.quotas, builder.clock);
      this.subscriptions = new Subscriptions(builder.clock);
      this.upstream =
          new NettyUpstream(
              eventLoops, upstreamUri, builder.upstreamMaxIdle, builder.upstreamTimeout);
      ShardMapCache shardMaps =
          new ShardMapCache(upstream, builder.shardMapTtl, builder.clock, counterBook);
      RequestProcessor processor =
          new RequestProcessor(
              upstream,
              schedule,
              counterBook,
              quotaBook,
              shardMaps,
              new IteratorRegistry(builder.clock),
              subscriptions,
              builder.accountId());
      SubscriptionRelay relay =
          new SubscriptionRelay(
              upstreamUri,
              subscriptions,
              counterBook,
              shardMaps,
              upstream,
              builder.endClosedShardSubscriptions);
      this.server = ProxyServer.start(eventLoops, processor, relay);
      this.endpoint = URI.create("http://127.0.0.1:" + server.port());
      this.faults = new Faults(schedule, subscriptions, counterBook);
      this.counters = new ProxyCounters(counterBook);
    } catch (RuntimeException e) {
      eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      throw e;
    }
    LOG.debug("KinesisQuotaProxy on {} in front of {}, quotas {}", endpoint, upstreamUri, quotas);
  }

  /** A builder; {@link Builder#upstream} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The proxy's endpoint, {@code http://127.0.0.1:<port>}: point clients here. */
  @Override
  public URI endpoint() {
    return endpoint;
  }

  /** The server behind the proxy. */
  public URI upstream() {
    return upstreamUri;
  }

  @Override
  public Region region() {
    return region;
  }

  @Override
  public AwsCredentialsProvider credentials() {
    return credentials;
  }

  /**
   * A synchronous client for the proxy (Apache 5 HTTP client; protocol per {@link
   * Builder#cbor(boolean)}), made on first use, shared, closed with the proxy.
   */
  @Override
  public KinesisClient client() {
    synchronized (clientLock) {
      requireOpen();
      if (client == null) {
        client = clients().buildSync();
      }
      return client;
    }
  }

  /**
   * An asynchronous client for the proxy (Netty, HTTP/1.1; protocol per {@link
   * Builder#cbor(boolean)}), made on first use, shared, closed with the proxy.
   */
  @Override
  public KinesisAsyncClient asyncClient() {
    synchronized (clientLock) {
      requireOpen();
      if (asyncClient == null) {
        asyncClient = clients().buildAsync();
      }
      return asyncClient;
    }
  }

  /**
   * A builder of more clients for the proxy (say, with retries off or short timeouts), set up like
   * {@link #client()}: endpoint, region, credentials, protocol. The caller closes what it builds.
   *
   * <pre>{@code
   * KinesisClient noRetries = proxy.clients()
   *     .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
   *     .buildSync();
   * }</pre>
   */
  public KinesisClients.Builder clients() {
    return KinesisClients.builder(endpoint).region(region).credentials(credentials).cbor(cbor);
  }

  /** The quotas this proxy enforces on every shard. */
  public ShardQuotas quotas() {
    return quotas;
  }

  /** Arms faults. */
  public Faults faults() {
    return faults;
  }

  /** What the proxy has counted. */
  public ProxyCounters counters() {
    return counters;
  }

  /**
   * Gives every shard its full quota back at once, as if it had been idle for a second (so a test
   * need not wait for the window to pass). Counters and armed faults are left as they are.
   */
  public void resetQuotas() {
    quotaBook.reset();
    subscriptions.resetQuota();
  }

  /**
   * How many SubscribeToShard streams of the shard the proxy relays now (0 or 1 per consumer: a new
   * subscription of a consumer takes over its old one). A subscription counts from the moment the
   * proxy admitted its call until it ends.
   */
  public int activeSubscriptions(String stream, String shardId) {
    return subscriptions.activeCount(new ShardRef(stream, shardId));
  }

  /**
   * Stops the proxy: closes its clients, client connections (held requests included) and upstream
   * connections, frees the port; stops the upstream too when the builder said {@link
   * Builder#closeUpstream(boolean) closeUpstream(true)}. Idempotent.
   */
  @Override
  public void close() {
    synchronized (clientLock) {
      if (closed) {
        return;
      }
      closed = true;
      if (client != null) {
        client.close();
      }
      if (asyncClient != null) {
        asyncClient.close();
      }
    }
    try {
      server.close();
      upstream.close();
    } finally {
      eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      if (ownedUpstream != null) {
        ownedUpstream.close();
      }
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("KinesisQuotaProxy on " + endpoint + " is closed");
    }
  }

  @Override
  public String toString() {
    return "KinesisQuotaProxy{" + endpoint + " -> " + upstreamUri + ", " + quotas + "}";
  }

  /**
   * Configures a {@link KinesisQuotaProxy}. Defaults: AWS's quotas ({@link ShardQuotas#aws()}), the
   * upstream's account (else {@code 000000000000}) in error messages, shard maps re-listed after 5
   * s, upstream answer timeout 30 s, CBOR clients (JSON in front of kinesalite), the system's
   * monotonic clock. Not thread-safe.
   */
  public static final class Builder {
    private URI upstreamUri;
    private KinesisEndpoint upstreamEndpoint;
    private boolean closeUpstream;
    private Region region = Region.US_EAST_1;
    private AwsCredentialsProvider credentials = KinesisClients.dummyCredentials();
    private Boolean cbor; // null: as the upstream needs
    private ShardQuotas quotas = ShardQuotas.aws();
    private String accountId;
    private Duration shardMapTtl = Duration.ofSeconds(5);
    private Duration upstreamTimeout = Duration.ofSeconds(30);
    private Duration upstreamMaxIdle = Duration.ofSeconds(2);
    private int eventLoopThreads = 2;
    private LongSupplier clock = System::nanoTime;
    private boolean endClosedShardSubscriptions = true;

    private Builder() {}

    /**
     * The local server to front; region and credentials of the proxy's clients are taken from it.
     *
     * @throws IllegalArgumentException when its endpoint is not {@code http} on a 127.x.x.x address
     *     or localhost with a port
     */
    public Builder upstream(KinesisEndpoint endpoint) {
      Objects.requireNonNull(endpoint, "endpoint cannot be null");
      this.upstreamUri = LoopbackUris.requireLoopback(endpoint.endpoint());
      this.upstreamEndpoint = endpoint;
      this.region = endpoint.region();
      this.credentials = endpoint.credentials();
      return this;
    }

    /**
     * The local server to front, by URI ({@code http://127.0.0.1:4567}); set {@link #region} and
     * {@link #credentials} for the proxy's clients if the defaults (us-east-1, dummy static
     * credentials) do not suit.
     *
     * @throws IllegalArgumentException when it is not {@code http} on a 127.x.x.x address (any of
     *     127.0.0.0/8) or localhost with a port
     */
    public Builder upstream(URI uri) {
      this.upstreamUri = LoopbackUris.requireLoopback(uri);
      this.upstreamEndpoint = null;
      return this;
    }

    /** Stop the upstream endpoint when the proxy closes (default false). */
    public Builder closeUpstream(boolean closeUpstream) {
      this.closeUpstream = closeUpstream;
      return this;
    }

    /** Region of the proxy's clients (default: the upstream endpoint's, else us-east-1). */
    public Builder region(Region region) {
      this.region = Objects.requireNonNull(region, "region cannot be null");
      return this;
    }

    /** Credentials of the proxy's clients (default: the upstream endpoint's, else dummy ones). */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials cannot be null");
      return this;
    }

    /**
     * Whether {@link KinesisQuotaProxy#client()}, {@link KinesisQuotaProxy#asyncClient()} and
     * {@link KinesisQuotaProxy#clients()} speak CBOR. Default: JSON in front of a {@link
     * LocalKinesalite} (which mishandles CBOR), CBOR (the SDK's default) otherwise. The proxy
     * itself serves both, whatever this says.
     */
    public Builder cbor(boolean cbor) {
      this.cbor = cbor;
      return this;
    }

    /** The per-shard quotas (default {@link ShardQuotas#aws()}). */
    public Builder quotas(ShardQuotas quotas) {
      this.quotas = Objects.requireNonNull(quotas, "quotas cannot be null");
      return this;
    }

    /**
     * The account named in throttling messages when the request names no stream ARN (default {@code
     * 000000000000}, kinesis-local's).
     */
    public Builder accountId(String accountId) {
      this.accountId = Objects.requireNonNull(accountId, "accountId cannot be null");
      return this;
    }

    /**
     * How long a listed shard map is trusted before it is listed again (default 5 s). Resharding
     * through the proxy, and a record that maps to no open shard, re-list it anyway; this bounds
     * how long the proxy misses resharding done directly against the upstream.
     */
    public Builder shardMapTtl(Duration ttl) {
      this.shardMapTtl = requirePositive("shardMapTtl", ttl);
      return this;
    }

    /**
     * How long the proxy waits for the upstream's answer before it answers the client 502 (default
     * 30 s).
     */
    public Builder upstreamTimeout(Duration timeout) {
      this.upstreamTimeout = requirePositive("upstreamTimeout", timeout);
      return this;
    }

    /**
     * The monotonic nanosecond clock the quotas run on (default {@code System::nanoTime}). Tests
     * pass a manual clock to make quota windows deterministic.
     */
    public Builder nanoClock(LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock, "clock cannot be null");
      return this;
    }

    /**
     * Whether the proxy ends the SubscribeToShard stream of a closed shard as AWS does (default
     * true): kinesis-local never does, it keeps sending empty events on a parent shard after a
     * split or merge. When on, an event without records on a shard that ListShards (of the
     * upstream, cached like the shard maps, see {@link #shardMapTtl}) shows closed with children,
     * and after which GetRecords finds no record past its {@code ContinuationSequenceNumber}, is
     * replaced by AWS's final event: no {@code ContinuationSequenceNumber}, {@code ChildShards}
     * (each child's ShardId, ParentShards, HashKeyRange), {@code MillisBehindLatest} 0; then the
     * stream ends. A shard is never ended while records of it are undelivered.
     */
    public Builder endClosedShardSubscriptions(boolean endClosedShardSubscriptions) {
      this.endClosedShardSubscriptions = endClosedShardSubscriptions;
      return this;
    }

    /**
     * Starts the proxy on a free port of 127.0.0.1.
     *
     * @throws IllegalStateException when no upstream was given
     */
    public KinesisQuotaProxy start() {
      if (upstreamUri == null) {
        throw new IllegalStateException(
            "KinesisQuotaProxy needs an upstream: call upstream(KinesisEndpoint) or upstream(URI)");
      }
      return new KinesisQuotaProxy(this);
    }

    private boolean cbor() {
      return cbor != null ? cbor : !(upstreamEndpoint instanceof LocalKinesalite);
    }

    private String accountId() {
      if (accountId != null) {
        return accountId;
      }
      return upstreamEndpoint instanceof LocalKinesis
          ? ((LocalKinesis) upstreamEndpoint).accountId()
          : DEFAULT_ACCOUNT_ID;
    }

    private static Duration requirePositive(String name, Duration value) {
      Objects.requireNonNull(value, name + " cannot be null");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }
  }
}
