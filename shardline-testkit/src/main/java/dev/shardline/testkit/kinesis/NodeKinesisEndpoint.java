package dev.shardline.testkit.kinesis;

import java.net.URI;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * What {@link LocalKinesis} and {@link LocalKinesalite} share: a running {@link NodeKinesisServer},
 * the clients handed out for it, and the streams made on it. Thread-safe.
 */
abstract class NodeKinesisEndpoint implements KinesisEndpoint {
  final NodeKinesisServer server;

  NodeKinesisEndpoint(NodeKinesisServer server) {
    this.server = server;
  }

  /**
   * The HTTP endpoint, e.g. {@code http://127.0.0.1:41234} (for {@link LocalKinesis} the plain
   * port: HTTP/1.1 and h2c; for {@link LocalKinesalite} HTTP/1.1 only).
   */
  @Override
  public final URI endpoint() {
    return server.endpoint();
  }

  /**
   * The server's log file (stdout and stderr), in the temp directory. {@link #close()} deletes it,
   * unless the server failed (did not start, or exited on its own): then it is kept for diagnosis.
   */
  public final Path logFile() {
    return server.logFile();
  }

  @Override
  public final Region region() {
    return server.region();
  }

  @Override
  public final AwsCredentialsProvider credentials() {
    return server.credentials();
  }

  /**
   * A shared synchronous client (Apache 5, HTTP/1.1), closed with the server. It speaks the
   * server's protocol: CBOR for {@link LocalKinesis}, JSON for {@link LocalKinesalite}.
   */
  @Override
  public final KinesisClient client() {
    return server.client();
  }

  /**
   * A shared asynchronous client (Netty, HTTP/1.1, the server's protocol like {@link #client()}),
   * made on first use, closed with the server.
   */
  @Override
  public final KinesisAsyncClient asyncClient() {
    return server.asyncClient();
  }

  /**
   * Creates a stream and returns once it is ACTIVE.
   *
   * @throws IllegalArgumentException for an invalid name or a shard count below 1
   * @throws software.amazon.awssdk.services.kinesis.model.KinesisException as the server answers,
   *     e.g. {@code LimitExceededException} past the shard limit, {@code ResourceInUseException}
   *     for an existing stream
   */
  public final void createStream(String name, int shards) {
    server.createStream(name, shards);
  }

  /**
   * Waits until the stream is ACTIVE (after a create, a reshard or, on {@link LocalKinesis}, {@code
   * UpdateShardCount}).
   *
   * @throws IllegalStateException if it does not exist, or is not ACTIVE within 60 s
   */
  public final void waitForActive(String name) {
    server.waitForActive(name, false);
  }

  /** Stops the server (its whole process tree) and closes the clients. Idempotent. */
  @Override
  public final void close() {
    server.close();
  }

  @Override
  public final String toString() {
    return server.toString();
  }
}
