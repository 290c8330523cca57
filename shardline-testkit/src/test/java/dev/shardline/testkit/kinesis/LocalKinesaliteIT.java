package dev.shardline.testkit.kinesis;

import static dev.shardline.testkit.kinesis.LocalKinesisIT.nodeProcesses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.testkit.internal.Loopback;
import dev.shardline.testkit.kinesis.RoundTrip.Placement;
import dev.shardline.testkit.kinesis.RoundTrip.ReadRecord;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;

class LocalKinesaliteIT {

  @Test
  void tenThousandRecordsMakeTheRoundTripOverJson() {
    // Given a server with a four-shard stream, and its (JSON) client
    try (LocalKinesalite kinesalite =
        LocalKinesalite.builder().initialStream("round-trip", 4).start()) {
      KinesisClient client = kinesalite.client();

      // When 10,000 records are written in batches of 500 and every shard is read back
      Map<Integer, Placement> written = RoundTrip.write(client, "round-trip", 10_000);
      Map<String, List<ReadRecord>> read =
          RoundTrip.readAll(
              client, "round-trip", RoundTrip.countPerShard(written), Duration.ofMinutes(2));

      // Then every record came back exactly once, intact, in per-shard order
      assertThat(read).hasSize(4);
      assertThat(read.values()).allSatisfy(records -> assertThat(records).isNotEmpty());
      RoundTrip.assertReadBack(written, read, 10_000);
    }
  }

  @Test
  void optionsShapeTheServer() {
    // Given a server with a shard limit of 4, two initial streams and a slow stream creation
    Duration createTakes = Duration.ofSeconds(2);
    try (LocalKinesalite kinesalite =
        LocalKinesalite.builder()
            .shardLimit(4)
            .initialStream("two-shards", 2)
            .initialStream("one-shard", 1)
            .createStreamDuration(createTakes)
            .start()) {
      KinesisClient client = kinesalite.client();

      // Then the initial streams are ACTIVE with their shard counts
      assertThat(client.listStreams().streamNames())
          .containsExactlyInAnyOrder("two-shards", "one-shard");
      assertThat(client.listShards(b -> b.streamName("two-shards")).shards()).hasSize(2);
      assertThat(client.listShards(b -> b.streamName("one-shard")).shards()).hasSize(1);

      // When a stream is created, it stays CREATING for the configured duration
      long started = System.nanoTime();
      kinesalite.createStream("third", 1);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(createTakes.minusMillis(100));

      // And a stream past the shard limit (4 shards in use) is refused
      assertThatThrownBy(() -> kinesalite.createStream("over-the-limit", 1))
          .isInstanceOf(LimitExceededException.class);
    }
  }

  @Test
  void closeStopsTheNodeProcessAndFreesThePort() throws Exception {
    // Given a running server and the node processes this JVM had before
    Set<Long> before = nodeProcesses().keySet();
    LocalKinesalite kinesalite = LocalKinesalite.start();
    int port = kinesalite.endpoint().getPort();
    Map<Long, ProcessHandle> started = nodeProcesses();
    started.keySet().removeAll(before);
    assertThat(started).as("node processes started by LocalKinesalite").isNotEmpty();
    kinesalite.asyncClient().listStreams().get();

    // When it is closed
    kinesalite.close();

    // Then no node process of it is left, and its port is free
    assertThat(started.values()).noneMatch(ProcessHandle::isAlive);
    assertThat(Loopback.accepts(port, Duration.ofSeconds(1))).isFalse();
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(Loopback.IPV4, port));
    }
    kinesalite.close(); // idempotent
  }
}
