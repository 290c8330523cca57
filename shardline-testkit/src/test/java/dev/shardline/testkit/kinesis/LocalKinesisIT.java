package dev.shardline.testkit.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.testkit.internal.FreePorts;
import dev.shardline.testkit.internal.Loopback;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

class LocalKinesisIT {

  @Test
  void tenThousandRecordsMakeTheRoundTripOverCbor() {
    // Given a server with a four-shard stream, and its default (CBOR) client
    try (LocalKinesis kinesis = LocalKinesis.builder().initialStream("round-trip", 4).start()) {
      // When 10,000 records are written in batches of 500 and every shard is read back, then
      // every record came back exactly once, intact, in per-shard order
      RoundTrip.assertRoundTrip(kinesis.client(), "round-trip", 4, 10_000);
    }
  }

  @Test
  void optionsShapeTheServer() {
    // Given a server with a shard limit, initial streams, a slow stream creation, its own region
    // and account
    Duration createTakes = Duration.ofSeconds(2);
    try (LocalKinesis kinesis =
        LocalKinesis.builder()
            .shardLimit(4)
            .initialStream("two-shards", 2)
            .initialStream("one-shard", 1)
            .createStreamDuration(createTakes)
            .region(Region.EU_WEST_1)
            .accountId("123456789012")
            .start()) {
      // Then the initial streams are ACTIVE with their shard counts, a new stream is CREATING for
      // the configured duration, and a stream past the shard limit is refused
      ServerOptionsCheck.assertShapedByOptions(kinesis, createTakes);
      // And the streams are in that region and account
      StreamDescriptionSummary summary =
          kinesis
              .client()
              .describeStreamSummary(b -> b.streamName("two-shards"))
              .streamDescriptionSummary();
      assertThat(summary.streamARN())
          .isEqualTo("arn:aws:kinesis:eu-west-1:123456789012:stream/two-shards");
    }
  }

  @Test
  void closeStopsTheNodeProcessAndFreesThePorts() throws Exception {
    // Given a running server and the node processes this JVM had before
    Set<Long> before = nodeProcesses().keySet();
    LocalKinesis kinesis = LocalKinesis.start();
    int plainPort = kinesis.plainEndpoint().getPort();
    int tlsPort = kinesis.tlsEndpoint().getPort();
    Map<Long, ProcessHandle> started = nodeProcesses();
    started.keySet().removeAll(before);
    assertThat(started).as("node processes started by LocalKinesis").isNotEmpty();
    assertThat(Loopback.accepts(plainPort, Duration.ofSeconds(1))).isTrue();
    Path log = kinesis.logFile();
    assertThat(log).exists();

    // When it is closed
    kinesis.close();

    // Then no node process of it is left, nothing answers on its ports, and they can be bound
    assertThat(started.values()).noneMatch(ProcessHandle::isAlive);
    assertThat(Loopback.accepts(plainPort, Duration.ofSeconds(1))).isFalse();
    assertThat(Loopback.accepts(tlsPort, Duration.ofSeconds(1))).isFalse();
    for (int port : List.of(plainPort, tlsPort)) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(Loopback.IPV4, port));
      }
    }
    assertThatThrownBy(kinesis::client).isInstanceOf(IllegalStateException.class);
    // And its log, of a server that did not fail, is gone
    assertThat(log).doesNotExist();
    kinesis.close(); // idempotent
  }

  @Test
  void aTlsPortTakenByAnotherProcessMakesTheStartRetryOnNewPorts() throws Exception {
    // Given a port another process holds, handed out as kinesis-local's TLS port
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(Loopback.IPV4, 0));
      AtomicInteger picks = new AtomicInteger();
      LocalKinesis.Builder builder =
          LocalKinesis.builder()
              .portPicker(
                  () -> picks.incrementAndGet() == 2 ? taken.getLocalPort() : FreePorts.pick());

      // When it starts (the plain port answers at once: that used to be enough)
      try (LocalKinesis kinesis = builder.start()) {

        // Then it started again on new ports, and both of them serve
        assertThat(kinesis.tlsEndpoint().getPort()).isNotEqualTo(taken.getLocalPort());
        assertThat(picks.get()).isGreaterThanOrEqualTo(4);
        try (KinesisClient tls =
            KinesisClients.sync(
                kinesis.tlsEndpoint(), kinesis.region(), kinesis.credentials(), true)) {
          assertThat(tls.listStreams().streamNames()).isEmpty();
        }
        assertThat(kinesis.client().listStreams().streamNames()).isEmpty();
      }
    }
  }

  @Test
  void aPortAnsweredByAnotherKinesisServerIsNotMistakenForOurs() {
    // Given another Kinesis server, whose port is handed out as kinesis-local's plain port
    try (LocalKinesalite other = LocalKinesalite.builder().initialStream("not-ours", 1).start()) {
      int otherPort = other.endpoint().getPort();
      AtomicInteger picks = new AtomicInteger();
      LocalKinesis.Builder builder =
          LocalKinesis.builder()
              .portPicker(() -> picks.incrementAndGet() == 1 ? otherPort : FreePorts.pick());

      // When kinesis-local starts (ListStreams on that port answers: that used to be enough)
      try (LocalKinesis kinesis = builder.start()) {

        // Then it is on ports of its own, and its client talks to it, not to the other server
        assertThat(kinesis.plainEndpoint().getPort()).isNotEqualTo(otherPort);
        assertThat(kinesis.client().listStreams().streamNames()).doesNotContain("not-ours");
      }
    }
  }

  @Test
  void aStartThatTimesOutLeavesNothingRunningAndShowsTheLog() {
    // Given a start timeout too short for node to come up
    Set<Long> before = nodeProcesses().keySet();

    // When the server is started
    assertThatThrownBy(() -> LocalKinesis.builder().startTimeout(Duration.ofMillis(1)).start())
        // Then the error says what timed out and shows the server's log
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Cannot start kinesis-local")
        .hasMessageContaining("ListStreams")
        .hasMessageContaining("its log (");
    // And no node process is left behind
    Map<Long, ProcessHandle> after = nodeProcesses();
    after.keySet().removeAll(before);
    assertThat(after.values()).noneMatch(ProcessHandle::isAlive);
  }

  static Map<Long, ProcessHandle> nodeProcesses() {
    return ProcessHandle.current()
        .descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("node")).orElse(false))
        .collect(Collectors.toMap(ProcessHandle::pid, p -> p));
  }
}
