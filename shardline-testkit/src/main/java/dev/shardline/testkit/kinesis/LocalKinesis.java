package dev.shardline.testkit.kinesis;

import dev.shardline.testkit.internal.NpmPackage;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A real Kinesis server for tests: <a href="https://github.com/etspaceman/kinesis-mock">
 * kinesis-local</a> 0.6.2 (the Kinesis mock LocalStack uses) from npm, run by node as a child
 * process listening on 127.0.0.1 only. It supports resharding, {@code UpdateShardCount}, enhanced
 * fan-out ({@code SubscribeToShard}) and CBOR; it enforces no throughput limits and writes about
 * 900 records/s. For volume prefer {@link LocalKinesalite}.
 *
 * <p>The first start on a machine installs the package into the testkit cache ({@code
 * ~/.cache/shardline/npm}, see {@code docs/kinesis-servers.md}); it needs Node.js 18+ with npm on
 * the PATH. {@link #start()} returns once its own process listens on both its ports, answers a real
 * {@code ListStreams} call, and every initial stream is ACTIVE; {@link #close()} stops the node
 * process tree and closes the clients. A JVM that exits without closing still stops the server
 * (shutdown hook); one killed outright too (the server exits when its standard input, a pipe from
 * this JVM, ends).
 *
 * <pre>{@code
 * try (LocalKinesis kinesis = LocalKinesis.builder().initialStream("orders", 4).start()) {
 *   kinesis.client().putRecord(b -> b.streamName("orders").partitionKey("k")
 *       .data(SdkBytes.fromUtf8String("hello")));
 *   kinesis.createStream("audit", 1); // returns once ACTIVE
 * }
 * }</pre>
 *
 * <p>Clients speak CBOR, the SDK's default protocol (see {@link KinesisClients} for how the
 * protocol is chosen per client). {@link #client()} and {@link #asyncClient()} use HTTP/1.1; {@link
 * #http2AsyncClient()} speaks HTTP/2 without TLS (h2c, prior knowledge) to the plain port, for
 * enhanced fan-out. {@link #tlsEndpoint()} serves HTTPS (and HTTP/2 through ALPN) with a
 * self-signed certificate: {@link KinesisClients} trusts it.
 *
 * <p>Thread-safe: clients and methods may be used from any thread.
 */
public final class LocalKinesis extends NodeKinesisEndpoint {
  private final Options options;

  private LocalKinesis(Options options, NodeKinesisServer server) {
    super(server);
    this.options = options;
  }

  /** A builder of a server; every option has a default, listed on {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a server with the default options. */
  public static LocalKinesis start() {
    return builder().start();
  }

  static LocalKinesis start(Options options, IntSupplier portPicker) {
    NodeKinesisServer server =
        NodeKinesisServer.start(
            options.launch(portPicker),
            started -> {
              // kinesis-local creates them itself, at start
              for (String stream : options.initialStreams().keySet()) {
                started.waitForActive(stream, true);
              }
            });
    return new LocalKinesis(options, server);
  }

  /** The plain endpoint: HTTP/1.1, and HTTP/2 with prior knowledge (h2c); {@link #endpoint()}. */
  public URI plainEndpoint() {
    return server.endpoint();
  }

  /**
   * The HTTPS endpoint, with kinesis-local's self-signed certificate: clients must trust all
   * certificates, as {@link KinesisClients} does for {@code https}.
   */
  public URI tlsEndpoint() {
    return NodeKinesisServer.httpUri("https", server.ports().get(1));
  }

  /** The AWS account id streams belong to (their ARNs carry it). */
  public String accountId() {
    return options.accountId();
  }

  /**
   * A shared asynchronous client speaking HTTP/2 (h2c, prior knowledge) to the plain port, as
   * enhanced fan-out ({@code SubscribeToShard}) uses against AWS; made on first use, closed with
   * the server.
   */
  public KinesisAsyncClient http2AsyncClient() {
    return server.http2AsyncClient(server.endpoint());
  }

  /**
   * Options of a {@link LocalKinesis}. Not thread-safe. Defaults:
   *
   * <ul>
   *   <li>shard limit: 50 (per account and region; {@code SHARD_LIMIT})
   *   <li>create, delete, merge, split, update-shard-count, register and deregister-consumer
   *       durations (how long a stream or consumer stays CREATING/UPDATING/...): 500 ms each
   *   <li>initial streams: none
   *   <li>region {@code us-east-1}, account {@code 000000000000}
   *   <li>log level {@code INFO} (kinesis-mock's own; {@code ERROR}, {@code WARN}, {@code INFO},
   *       {@code DEBUG}, {@code TRACE})
   *   <li>start timeout 60 s (the npm install on a fresh machine comes on top)
   * </ul>
   */
  public static final class Builder extends NodeKinesisBuilder<Builder> {
    /** The durations only kinesis-local has, by its variable; create and delete are shared. */
    private final Map<String, Duration> durations = new LinkedHashMap<>();

    private String accountId = "000000000000";
    private String logLevel = "INFO";

    private Builder() {
      super(50);
      for (String key : DURATION_KEYS) {
        durations.put(key, Duration.ofMillis(500));
      }
    }

    @Override
    Builder self() {
      return this;
    }

    /** How long a stream stays UPDATING after {@code MergeShards}; default 500 ms. */
    public Builder mergeShardsDuration(Duration duration) {
      return duration("MERGE_SHARDS_DURATION", "mergeShardsDuration", duration);
    }

    /** How long a stream stays UPDATING after {@code SplitShard}; default 500 ms. */
    public Builder splitShardDuration(Duration duration) {
      return duration("SPLIT_SHARD_DURATION", "splitShardDuration", duration);
    }

    /** How long a stream stays UPDATING after {@code UpdateShardCount}; default 500 ms. */
    public Builder updateShardCountDuration(Duration duration) {
      return duration("UPDATE_SHARD_COUNT_DURATION", "updateShardCountDuration", duration);
    }

    /** How long a registered consumer stays CREATING; default 500 ms. */
    public Builder registerStreamConsumerDuration(Duration duration) {
      return duration(
          "REGISTER_STREAM_CONSUMER_DURATION", "registerStreamConsumerDuration", duration);
    }

    /** How long a deregistered consumer stays DELETING; default 500 ms. */
    public Builder deregisterStreamConsumerDuration(Duration duration) {
      return duration(
          "DEREGISTER_STREAM_CONSUMER_DURATION", "deregisterStreamConsumerDuration", duration);
    }

    /** The 12-digit account id in stream ARNs; default {@code 000000000000}. */
    public Builder accountId(String accountId) {
      if (accountId == null || !accountId.matches("\\d{12}")) {
        throw new IllegalArgumentException(
            "accountId must be 12 digits, e.g. 000000000000, but was " + accountId);
      }
      this.accountId = accountId;
      return this;
    }

    /** kinesis-mock's log level: ERROR, WARN, INFO (default), DEBUG or TRACE. */
    public Builder logLevel(String logLevel) {
      String level =
          Objects.requireNonNull(logLevel, "logLevel cannot be null").toUpperCase(Locale.ROOT);
      if (!LOG_LEVELS.contains(level)) {
        throw new IllegalArgumentException(
            "logLevel must be one of " + LOG_LEVELS + ", but was " + logLevel);
      }
      this.logLevel = level;
      return this;
    }

    /**
     * Starts the server and returns it once it answers and its initial streams are ACTIVE.
     *
     * @throws IllegalStateException if Node.js or npm is missing, the install fails, or the server
     *     does not start (with the server's log tail)
     */
    public LocalKinesis start() {
      return LocalKinesis.start(options(), portPicker());
    }

    /** An immutable snapshot of these options. */
    Options options() {
      Map<String, Duration> all = new LinkedHashMap<>(durations);
      all.put("CREATE_STREAM_DURATION", createStreamDuration());
      all.put("DELETE_STREAM_DURATION", deleteStreamDuration());
      return new Options(
          shardLimit(),
          Map.copyOf(all),
          initialStreams(),
          region(),
          accountId,
          logLevel,
          startTimeout());
    }

    private Builder duration(String key, String option, Duration duration) {
      durations.put(key, nonNegative(option, duration));
      return this;
    }
  }

  /** kinesis-local's duration variables besides CREATE_ and DELETE_STREAM_DURATION. */
  static final List<String> DURATION_KEYS =
      List.of(
          "MERGE_SHARDS_DURATION",
          "SPLIT_SHARD_DURATION",
          "UPDATE_SHARD_COUNT_DURATION",
          "REGISTER_STREAM_CONSUMER_DURATION",
          "DEREGISTER_STREAM_CONSUMER_DURATION");

  private static final List<String> LOG_LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

  /** Every variable kinesis-local 0.6.2 reads: none may leak in from the test JVM. */
  static final Set<String> SERVER_VARIABLES =
      Set.of(
          "INITIALIZE_STREAMS",
          "KINESIS_MOCK_TLS_PORT",
          "KINESIS_MOCK_PLAIN_PORT",
          "KINESIS_MOCK_KEYSTORE_PASSWORD",
          "KINESIS_MOCK_KEYMANAGER_PASSWORD",
          "KINESIS_MOCK_CERT_PASSWORD",
          "KINESIS_MOCK_CERT_PATH",
          "CREATE_STREAM_DURATION",
          "DELETE_STREAM_DURATION",
          "REGISTER_STREAM_CONSUMER_DURATION",
          "DEREGISTER_STREAM_CONSUMER_DURATION",
          "START_STREAM_ENCRYPTION_DURATION",
          "STOP_STREAM_ENCRYPTION_DURATION",
          "MERGE_SHARDS_DURATION",
          "SPLIT_SHARD_DURATION",
          "UPDATE_SHARD_COUNT_DURATION",
          "UPDATE_STREAM_MODE_DURATION",
          "SHARD_LIMIT",
          "ON_DEMAND_STREAM_COUNT_LIMIT",
          "AWS_ACCOUNT_ID",
          "AWS_REGION",
          "LOG_LEVEL",
          "ROOT_LOG_LEVEL",
          "LOAD_DATA_IF_EXISTS",
          "SHOULD_PERSIST_DATA",
          "PERSIST_PATH",
          "PERSIST_FILE_NAME",
          "PERSIST_INTERVAL");

  /** The options of one server, immutable. */
  record Options(
      int shardLimit,
      Map<String, Duration> durations,
      Map<String, Integer> initialStreams,
      Region region,
      String accountId,
      String logLevel,
      Duration startTimeout) {

    /** The environment kinesis-local gets, given its plain and TLS ports. */
    Map<String, String> environment(int plainPort, int tlsPort) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(plainPort));
      env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(tlsPort));
      env.put("SHARD_LIMIT", Integer.toString(shardLimit));
      durations.forEach((key, duration) -> env.put(key, duration.toMillis() + "ms"));
      if (!initialStreams.isEmpty()) {
        env.put(
            "INITIALIZE_STREAMS",
            initialStreams.entrySet().stream()
                .map(stream -> stream.getKey() + ":" + stream.getValue())
                .collect(Collectors.joining(",")));
      }
      env.put("AWS_REGION", region.id());
      env.put("AWS_ACCOUNT_ID", accountId);
      env.put("LOG_LEVEL", logLevel);
      env.put("SHOULD_PERSIST_DATA", "false");
      env.put("LOAD_DATA_IF_EXISTS", "false");
      return env;
    }

    NodeKinesisServer.Launch launch(IntSupplier portPicker) {
      return new NodeKinesisServer.Launch(
          "kinesis-local",
          NpmPackage.KINESIS_LOCAL,
          "main.js",
          2,
          ports -> List.of(),
          ports -> environment(ports.get(0), ports.get(1)),
          SERVER_VARIABLES,
          region,
          true,
          startTimeout,
          portPicker);
    }
  }
}
