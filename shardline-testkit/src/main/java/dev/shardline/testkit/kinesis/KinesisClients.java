package dev.shardline.testkit.kinesis;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Builds AWS SDK v2 Kinesis clients for a Kinesis endpoint on this machine (a {@link LocalKinesis},
 * a {@link LocalKinesalite}, or a proxy in front of one), with explicit HTTP clients, dummy
 * credentials, short connect timeouts, and a chosen wire protocol (CBOR or JSON) per client.
 *
 * <h2>CBOR or JSON, per client</h2>
 *
 * <p>The SDK (2.52.0) speaks CBOR ({@code application/x-amz-cbor-1.1}) to Kinesis unless the system
 * property {@value #CBOR_PROPERTY} is {@code false}, or else the environment variable {@code
 * CBOR_ENABLED} is {@code false}. It reads that setting exactly once per client: when {@code
 * KinesisClient.builder()...build()} constructs the client (the client's {@code
 * AwsCborProtocolFactory} is created in its constructor and keeps the value), never per request.
 * The SDK has no per-client option for it. So this class builds each client while holding a
 * JVM-wide lock, with {@value #CBOR_PROPERTY} set to the protocol asked for, and puts the property
 * back as it was right after: a client keeps the protocol it was built with for its whole life,
 * whatever the property says later, and JSON clients (for kinesalite) and CBOR clients (for
 * kinesis-local) live side by side in one JVM. Each client also checks, before every request, that
 * it sends the protocol asked for, and fails the request with a clear error otherwise (which only
 * another thread changing {@value #CBOR_PROPERTY} while a client is built could cause). {@code
 * SubscribeToShard} is the exception: the SDK always sends it as JSON (event streams have their own
 * JSON protocol factory), whichever protocol the client speaks.
 *
 * <p>A client you build yourself uses the JVM-wide setting at the moment you build it: CBOR by
 * default. For kinesalite build it through this class with {@code cbor(false)}, or build it while
 * {@value #CBOR_PROPERTY} is {@code false}.
 *
 * <h2>Defaults</h2>
 *
 * <ul>
 *   <li>region {@code us-east-1}; credentials {@link #dummyCredentials()}; CBOR on
 *   <li>sync clients: {@link Apache5HttpClient}; async clients: {@link NettyNioAsyncHttpClient},
 *       HTTP/1.1 unless {@link Builder#http2(boolean)} (see {@link #asyncHttp2})
 *   <li>connect timeout {@value #CONNECT_TIMEOUT_SECONDS} s, read/socket timeout {@value
 *       #READ_TIMEOUT_SECONDS} s, the SDK's standard retries
 *   <li>{@code https} endpoints trust every certificate (the local servers' certificates are
 *       self-signed)
 * </ul>
 *
 * <p>Endpoints must be on the loopback interface ({@code 127.x.x.x}, {@code localhost} or {@code
 * [::1]}): the testkit never talks to anything else.
 *
 * <p>Example:
 *
 * <pre>{@code
 * try (KinesisClient client =
 *     KinesisClients.sync(URI.create("http://127.0.0.1:4568"), Region.US_EAST_1,
 *         KinesisClients.dummyCredentials(), true)) {
 *   client.listStreams();
 * }
 * // JSON, no retries, for a proxy in front of kinesalite
 * KinesisAsyncClient async = KinesisClients.builder(proxyEndpoint).cbor(false)
 *     .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
 *     .buildAsync();
 * }</pre>
 *
 * <p>Thread-safe. Every client it returns belongs to the caller, who closes it.
 */
public final class KinesisClients {
  /** The system property the SDK reads, when a client is built, to choose CBOR or JSON. */
  public static final String CBOR_PROPERTY = "aws.cborEnabled";

  static final int CONNECT_TIMEOUT_SECONDS = 2;
  static final int READ_TIMEOUT_SECONDS = 30;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(READ_TIMEOUT_SECONDS);
  private static final Pattern LOOPBACK_IPV4 = Pattern.compile("127(\\.\\d{1,3}){3}");
  private static final AwsCredentialsProvider DUMMY_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testkit", "testkit"));
  private static final Object CBOR_SETTING_LOCK = new Object();

  private KinesisClients() {}

  /**
   * Static dummy credentials (key id and secret {@code testkit}); the local servers accept any
   * signature. kinesis-local serves them from its default account.
   */
  public static AwsCredentialsProvider dummyCredentials() {
    return DUMMY_CREDENTIALS;
  }

  /** A synchronous client (Apache 5 HTTP client) for {@code endpoint}. */
  public static KinesisClient sync(
      URI endpoint, Region region, AwsCredentialsProvider credentials, boolean cbor) {
    return builder(endpoint).region(region).credentials(credentials).cbor(cbor).buildSync();
  }

  /** An asynchronous client (Netty, HTTP/1.1) for {@code endpoint}. */
  public static KinesisAsyncClient async(
      URI endpoint, Region region, AwsCredentialsProvider credentials, boolean cbor) {
    return builder(endpoint).region(region).credentials(credentials).cbor(cbor).buildAsync();
  }

  /**
   * An asynchronous client (Netty) speaking HTTP/2, as enhanced fan-out ({@code SubscribeToShard})
   * needs. Over {@code http} it speaks HTTP/2 without TLS from the first byte ("prior knowledge",
   * h2c), over {@code https} it negotiates HTTP/2 with ALPN and trusts any certificate.
   */
  public static KinesisAsyncClient asyncHttp2(
      URI endpoint, Region region, AwsCredentialsProvider credentials, boolean cbor) {
    return builder(endpoint)
        .region(region)
        .credentials(credentials)
        .cbor(cbor)
        .http2(true)
        .buildAsync();
  }

  /** A builder for a client of {@code endpoint}, for settings the shortcuts above do not take. */
  public static Builder builder(URI endpoint) {
    return new Builder(endpoint);
  }

  /**
   * Builds one Kinesis client (sync or async). Not thread-safe; the clients it builds are. Defaults
   * are listed on {@link KinesisClients}.
   */
  public static final class Builder {
    private final URI endpoint;
    private Region region = Region.US_EAST_1;
    private AwsCredentialsProvider credentials = DUMMY_CREDENTIALS;
    private boolean cbor = true;
    private boolean http2;
    private Consumer<ClientOverrideConfiguration.Builder> overrides = o -> {};

    private Builder(URI endpoint) {
      this.endpoint = requireLoopback(endpoint);
    }

    /** The region clients sign for; default {@code us-east-1}. */
    public Builder region(Region region) {
      this.region = Objects.requireNonNull(region, "region cannot be null");
      return this;
    }

    /** The credentials clients sign with; default {@link #dummyCredentials()}. */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials cannot be null");
      return this;
    }

    /**
     * Whether the client speaks CBOR ({@code true}, the SDK's default, kinesis-local) or JSON
     * ({@code false}, kinesalite), whatever {@value #CBOR_PROPERTY} says; default {@code true}.
     */
    public Builder cbor(boolean cbor) {
      this.cbor = cbor;
      return this;
    }

    /** Whether an async client speaks HTTP/2 (see {@link #asyncHttp2}); default HTTP/1.1. */
    public Builder http2(boolean http2) {
      this.http2 = http2;
      return this;
    }

    /**
     * Adjusts the client's override configuration (retries, API call timeouts, more interceptors)
     * after the testkit's own settings.
     */
    public Builder overrideConfiguration(Consumer<ClientOverrideConfiguration.Builder> overrides) {
      this.overrides = Objects.requireNonNull(overrides, "overrides cannot be null");
      return this;
    }

    /** A synchronous client over an {@link Apache5HttpClient}. */
    public KinesisClient buildSync() {
      if (http2) {
        throw new IllegalStateException(
            "The synchronous Kinesis client speaks HTTP/1.1 only: use buildAsync() for HTTP/2");
      }
      SdkHttpClient http =
          Apache5HttpClient.builder()
              .connectionTimeout(CONNECT_TIMEOUT)
              .socketTimeout(READ_TIMEOUT)
              .maxConnections(64)
              .buildWithDefaults(tlsDefaults());
      try {
        return withCborSetting(
            cbor,
            () ->
                KinesisClient.builder()
                    .endpointOverride(endpoint)
                    .region(region)
                    .credentialsProvider(credentials)
                    .httpClient(http)
                    .overrideConfiguration(this::configure)
                    .build());
      } catch (RuntimeException e) {
        http.close();
        throw e;
      }
    }

    /** An asynchronous client over a {@link NettyNioAsyncHttpClient}. */
    public KinesisAsyncClient buildAsync() {
      NettyNioAsyncHttpClient.Builder netty =
          NettyNioAsyncHttpClient.builder()
              .connectionTimeout(CONNECT_TIMEOUT)
              .readTimeout(READ_TIMEOUT)
              .writeTimeout(READ_TIMEOUT)
              .maxConcurrency(64)
              .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(2))
              .protocol(http2 ? Protocol.HTTP2 : Protocol.HTTP1_1);
      if (http2 && isTls()) {
        netty.protocolNegotiation(software.amazon.awssdk.http.ProtocolNegotiation.ALPN);
      }
      SdkAsyncHttpClient http = netty.buildWithDefaults(tlsDefaults());
      try {
        return withCborSetting(
            cbor,
            () ->
                KinesisAsyncClient.builder()
                    .endpointOverride(endpoint)
                    .region(region)
                    .credentialsProvider(credentials)
                    .httpClient(http)
                    .overrideConfiguration(this::configure)
                    .build());
      } catch (RuntimeException e) {
        http.close();
        throw e;
      }
    }

    private void configure(ClientOverrideConfiguration.Builder override) {
      override.addExecutionInterceptor(new ProtocolCheck(cbor));
      overrides.accept(override);
    }

    private boolean isTls() {
      return "https".equalsIgnoreCase(endpoint.getScheme());
    }

    private AttributeMap tlsDefaults() {
      return isTls()
          ? AttributeMap.builder()
              .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
              .build()
          : AttributeMap.empty();
    }
  }

  /**
   * Builds a client while {@value #CBOR_PROPERTY} says {@code cbor}, under a JVM-wide lock so two
   * builds never see each other's setting, and restores the property afterwards.
   */
  static <T> T withCborSetting(boolean cbor, Supplier<T> build) {
    synchronized (CBOR_SETTING_LOCK) {
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

  static URI requireLoopback(URI endpoint) {
    Objects.requireNonNull(endpoint, "endpoint cannot be null");
    String scheme =
        endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "endpoint must be an http or https URI, e.g. http://127.0.0.1:4568, but was " + endpoint);
    }
    String host = endpoint.getHost() == null ? "" : endpoint.getHost().toLowerCase(Locale.ROOT);
    boolean loopback =
        host.equals("localhost")
            || LOOPBACK_IPV4.matcher(host).matches()
            || host.equals("[::1]")
            || host.equals("::1");
    if (!loopback || endpoint.getPort() <= 0) {
      throw new IllegalArgumentException(
          "endpoint must be a local test server with an explicit port (127.0.0.1, localhost or"
              + " [::1]), but was "
              + endpoint);
    }
    return endpoint;
  }

  /** Fails a request that would go out in the other wire protocol than the client was built for. */
  static final class ProtocolCheck implements ExecutionInterceptor {
    private final boolean cbor;

    ProtocolCheck(boolean cbor) {
      this.cbor = cbor;
    }

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      if (context.request() instanceof SubscribeToShardRequest) {
        // the SDK sends event-stream operations as JSON whatever the client's protocol
        return;
      }
      context
          .httpRequest()
          .firstMatchingHeader("Content-Type")
          .filter(type -> type.startsWith("application/x-amz-"))
          .ifPresent(
              type -> {
                boolean sendsCbor = type.startsWith("application/x-amz-cbor");
                if (sendsCbor != cbor) {
                  throw new IllegalStateException(
                      "This Kinesis client was meant to speak "
                          + (cbor ? "CBOR" : "JSON")
                          + " but sends "
                          + type
                          + ": the system property "
                          + CBOR_PROPERTY
                          + " was changed while it was built; build clients through"
                          + " KinesisClients");
                }
              });
    }
  }
}
