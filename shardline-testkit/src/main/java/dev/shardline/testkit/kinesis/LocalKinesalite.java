package dev.shardline.testkit.kinesis;

import dev.shardline.testkit.internal.FreePorts;
import dev.shardline.testkit.internal.NpmPackage;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * A fast Kinesis server for tests: <a href="https://github.com/mhart/kinesalite">kinesalite</a>
 * 3.3.3 from npm (in-memory), run by node as a child process listening on 127.0.0.1 only. About 15
 * times faster than {@link LocalKinesis} (~14,000 records/s of {@code PutRecords}): use it for
 * volume. It has no enhanced fan-out, no {@code UpdateShardCount}, ignores {@code ShardFilter},
 * knows streams by name only (not by ARN), and enforces no throughput limits.
 *
 * <p><b>JSON, not CBOR.</b> kinesalite mishandles the AWS SDK v2's CBOR: timestamps it returns are
 * read as milliseconds where it sends seconds (a stream created in 1970), and a record written over
 * CBOR is stored so that no client, CBOR or JSON, can read it back ({@code GetRecords} fails to
 * unmarshal). So every client this class hands out speaks JSON ({@code
 * application/x-amz-json-1.1}), decided per client by {@link KinesisClients} and unaffected by
 * other clients in the same JVM. A client you build yourself must speak JSON too: build it with
 * {@code KinesisClients.builder(endpoint).cbor(false)}, or while the system property {@code
 * aws.cborEnabled} (or, without it, the environment variable {@code CBOR_ENABLED}) is {@code
 * false}; the SDK reads that setting once, when the client is built.
 *
 * <p>The first start on a machine installs the package into the testkit cache ({@code
 * ~/.cache/shardline/npm}, see {@code docs/kinesis-servers.md}); it needs Node.js 18+ with npm on
 * the PATH. {@link Builder#start()} returns once its own process listens on its port, answers a
 * real {@code ListStreams} call and every initial stream is ACTIVE; {@link #close()} stops the node
 * process tree and closes the clients.
 *
 * <pre>{@code
 * try (LocalKinesalite kinesalite = LocalKinesalite.builder().initialStream("volume", 8).start()) {
 *   KinesisClient client = kinesalite.client(); // JSON
 *   client.putRecords(...);
 * }
 * }</pre>
 *
 * <p>Thread-safe: clients and methods may be used from any thread.
 */
public final class LocalKinesalite implements KinesisEndpoint {
  private final NodeKinesisServer server;

  private LocalKinesalite(NodeKinesisServer server) {
    this.server = server;
  }

  /** A builder of a server; every option has a default, listed on {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a server with the default options. */
  public static LocalKinesalite start() {
    return builder().start();
  }

  static LocalKinesalite start(Options options) {
    NodeKinesisServer server = NodeKinesisServer.start(options.launch());
    try {
      // kinesalite has no option for streams at start: create them all, then wait for them all
      List<String> created = new ArrayList<>();
      options
          .initialStreams()
          .forEach(
              (name, shards) -> {
                server.client().createStream(b -> b.streamName(name).shardCount(shards));
                created.add(name);
              });
      created.forEach(name -> server.waitForActive(name, false));
      return new LocalKinesalite(server);
    } catch (RuntimeException e) {
      throw server.closeFailed("its initial streams did not become ACTIVE: " + e.getMessage(), e);
    }
  }

  /** The HTTP endpoint, e.g. {@code http://127.0.0.1:41234} (HTTP/1.1 only). */
  @Override
  public URI endpoint() {
    return server.endpoint();
  }

  /**
   * The server's log file (stdout and stderr), in the temp directory. {@link #close()} deletes it,
   * unless the server failed (did not start, or exited on its own): then it is kept for diagnosis.
   */
  public Path logFile() {
    return server.logFile();
  }

  @Override
  public Region region() {
    return server.region();
  }

  @Override
  public AwsCredentialsProvider credentials() {
    return server.credentials();
  }

  /** A shared synchronous client (Apache 5, JSON), closed with the server. */
  @Override
  public KinesisClient client() {
    return server.client();
  }

  /**
   * A shared asynchronous client (Netty, HTTP/1.1, JSON), made on first use, closed with the
   * server.
   */
  @Override
  public KinesisAsyncClient asyncClient() {
    return server.asyncClient();
  }

  /**
   * Creates a stream and returns once it is ACTIVE.
   *
   * @throws IllegalArgumentException for an invalid name or a shard count below 1
   * @throws software.amazon.awssdk.services.kinesis.model.KinesisException as the server answers,
   *     e.g. {@code LimitExceededException} past the shard limit
   */
  public void createStream(String name, int shards) {
    server.createStream(name, shards);
  }

  /**
   * Waits until the stream is ACTIVE (after a create or a reshard).
   *
   * @throws IllegalStateException if it does not exist, or is not ACTIVE within 60 s
   */
  public void waitForActive(String name) {
    server.waitForActive(name, false);
  }

  /** Stops the server (its whole process tree) and closes the clients. Idempotent. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return server.toString();
  }

  /**
   * Options of a {@link LocalKinesalite}. Not thread-safe. Defaults (kinesalite's own):
   *
   * <ul>
   *   <li>shard limit: 10 ({@code --shardLimit}, over all streams)
   *   <li>create, delete and update durations (how long a stream stays CREATING, DELETING,
   *       UPDATING; {@code --createStreamMs}, {@code --deleteStreamMs}, {@code --updateStreamMs}):
   *       500 ms each
   *   <li>initial streams: none (created through the API right after the start)
   *   <li>region {@code us-east-1} (clients sign for it; ARNs carry it, account {@code
   *       000000000000})
   *   <li>start timeout 60 s (the npm install on a fresh machine comes on top)
   * </ul>
   */
  public static final class Builder {
    private int shardLimit = 10;
    private Duration createStreamDuration = Duration.ofMillis(500);
    private Duration deleteStreamDuration = Duration.ofMillis(500);
    private Duration updateStreamDuration = Duration.ofMillis(500);
    private final Map<String, Integer> initialStreams = new LinkedHashMap<>();
    private Region region = Region.US_EAST_1;
    private Duration startTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /** The most shards all streams together may have; default 10. */
    public Builder shardLimit(int shardLimit) {
      if (shardLimit < 1) {
        throw new IllegalArgumentException("shardLimit must be at least 1, but was " + shardLimit);
      }
      this.shardLimit = shardLimit;
      return this;
    }

    /** How long a new stream stays CREATING; default 500 ms. */
    public Builder createStreamDuration(Duration duration) {
      this.createStreamDuration = nonNegative("createStreamDuration", duration);
      return this;
    }

    /** How long a deleted stream stays DELETING; default 500 ms. */
    public Builder deleteStreamDuration(Duration duration) {
      this.deleteStreamDuration = nonNegative("deleteStreamDuration", duration);
      return this;
    }

    /** How long a stream stays UPDATING after a split or merge; default 500 ms. */
    public Builder updateStreamDuration(Duration duration) {
      this.updateStreamDuration = nonNegative("updateStreamDuration", duration);
      return this;
    }

    /**
     * A stream created right after the start; {@link #start()} returns once it is ACTIVE. Repeat
     * for more streams.
     */
    public Builder initialStream(String name, int shards) {
      NodeKinesisServer.requireStreamName(name);
      if (shards < 1) {
        throw new IllegalArgumentException(
            "shards of initial stream " + name + " must be at least 1, but was " + shards);
      }
      initialStreams.put(name, shards);
      return this;
    }

    /** The region clients sign for; default {@code us-east-1}. */
    public Builder region(Region region) {
      this.region = Objects.requireNonNull(region, "region cannot be null");
      return this;
    }

    /** How long {@link #start()} waits for the server to answer; default 60 s. */
    public Builder startTimeout(Duration startTimeout) {
      Objects.requireNonNull(startTimeout, "startTimeout cannot be null");
      if (startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException(
            "startTimeout must be positive, but was " + startTimeout);
      }
      this.startTimeout = startTimeout;
      return this;
    }

    /**
     * Starts the server and returns it once it answers and its initial streams are ACTIVE.
     *
     * @throws IllegalStateException if Node.js or npm is missing, the install fails, or the server
     *     does not start (with the server's log tail)
     */
    public LocalKinesalite start() {
      return LocalKinesalite.start(options());
    }

    /** An immutable snapshot of these options. */
    Options options() {
      return new Options(
          shardLimit,
          createStreamDuration,
          deleteStreamDuration,
          updateStreamDuration,
          Collections.unmodifiableMap(new LinkedHashMap<>(initialStreams)),
          region,
          startTimeout);
    }

    private static Duration nonNegative(String name, Duration duration) {
      Objects.requireNonNull(duration, name + " cannot be null");
      if (duration.isNegative()) {
        throw new IllegalArgumentException(name + " cannot be negative, but was " + duration);
      }
      return duration;
    }
  }

  /** The options of one server, immutable. */
  record Options(
      int shardLimit,
      Duration createStreamDuration,
      Duration deleteStreamDuration,
      Duration updateStreamDuration,
      Map<String, Integer> initialStreams,
      Region region,
      Duration startTimeout) {

    /** kinesalite's command-line arguments, given its port. */
    List<String> arguments(int port) {
      return List.of(
          "--port",
          Integer.toString(port),
          "--shardLimit",
          Integer.toString(shardLimit),
          "--createStreamMs",
          Long.toString(createStreamDuration.toMillis()),
          "--deleteStreamMs",
          Long.toString(deleteStreamDuration.toMillis()),
          "--updateStreamMs",
          Long.toString(updateStreamDuration.toMillis()));
    }

    NodeKinesisServer.Launch launch() {
      return new NodeKinesisServer.Launch(
          "kinesalite",
          NpmPackage.KINESALITE,
          "cli.js",
          1,
          ports -> arguments(ports.get(0)),
          ports -> Map.of(),
          Set.of(),
          region,
          false,
          startTimeout,
          FreePorts::pick);
    }
  }
}
