package dev.shardline.testkit.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;

/**
 * What the options both node Kinesis servers share ({@code shardLimit}, {@code initialStream},
 * {@code createStreamDuration}) do to a server, checked the same way for each.
 */
final class ServerOptionsCheck {
  private ServerOptionsCheck() {}

  /**
   * Asserts on {@code server}, started with {@code shardLimit(4)}, {@code
   * initialStream("two-shards", 2)}, {@code initialStream("one-shard", 1)} and {@code
   * createStreamDuration(createTakes)}, that the initial streams are ACTIVE with their shard
   * counts, that a new stream is CREATING for the configured duration, and that a stream past the
   * shard limit is refused.
   */
  static void assertShapedByOptions(NodeKinesisEndpoint server, Duration createTakes) {
    KinesisClient client = server.client();

    // the initial streams are ACTIVE with their shard counts
    assertThat(client.listStreams().streamNames())
        .containsExactlyInAnyOrder("two-shards", "one-shard");
    assertThat(client.listShards(b -> b.streamName("two-shards")).shards()).hasSize(2);
    assertThat(client.listShards(b -> b.streamName("one-shard")).shards()).hasSize(1);

    // a stream created stays CREATING for the configured duration
    long started = System.nanoTime();
    server.createStream("third", 1);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(createTakes.minusMillis(100));

    // a stream past the shard limit (4 shards in use) is refused
    assertThatThrownBy(() -> server.createStream("over-the-limit", 1))
        .isInstanceOf(LimitExceededException.class);
  }
}
