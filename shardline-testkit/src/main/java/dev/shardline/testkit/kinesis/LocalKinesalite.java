package dev.shardline.testkit.kinesis;

import dev.shardline.testkit.internal.NpmPackage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import software.amazon.awssdk.regions.Region;

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
public final class LocalKinesalite extends NodeKinesisEndpoint {

  private LocalKinesalite(NodeKinesisServer server) {
    super(server);
  }

  /** A builder of a server; every option has a default, listed on {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a server with the default options. */
  public static LocalKinesalite start() {
    return builder().start();
  }

  static LocalKinesalite start(Options options, IntSupplier portPicker) {
    NodeKinesisServer server =
        NodeKinesisServer.start(
            options.launch(portPicker),
            started -> {
              // kinesalite has no option for streams at start: create them all, then wait for all
              options
                  .initialStreams()
                  .forEach(
                      (name, shards) ->
                          started
                              .client()
                              .createStream(b -> b.streamName(name).shardCount(shards)));
              options.initialStreams().keySet().forEach(name -> started.waitForActive(name, false));
            });
    return new LocalKinesalite(server);
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
  public static final class Builder extends NodeKinesisBuilder<Builder> {
    private Duration updateStreamDuration = Duration.ofMillis(500);

    private Builder() {
      super(10);
    }

    @Override
    Builder self() {
      return this;
    }

    /** How long a stream stays UPDATING after a split or merge; default 500 ms. */
    public Builder updateStreamDuration(Duration duration) {
      this.updateStreamDuration = nonNegative("updateStreamDuration", duration);
      return this;
    }

    /**
     * Starts the server and returns it once it answers and its initial streams are ACTIVE.
     *
     * @throws IllegalStateException if Node.js or npm is missing, the install fails, or the server
     *     does not start (with the server's log tail)
     */
    public LocalKinesalite start() {
      return LocalKinesalite.start(options(), portPicker());
    }

    /** An immutable snapshot of these options. */
    Options options() {
      return new Options(
          shardLimit(),
          createStreamDuration(),
          deleteStreamDuration(),
          updateStreamDuration,
          initialStreams(),
          region(),
          startTimeout());
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

    NodeKinesisServer.Launch launch(IntSupplier portPicker) {
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
          portPicker);
    }
  }
}
