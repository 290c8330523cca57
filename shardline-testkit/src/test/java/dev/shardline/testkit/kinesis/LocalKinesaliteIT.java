package dev.shardline.testkit.kinesis;

import static dev.shardline.testkit.kinesis.LocalKinesisIT.nodeProcesses;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.internal.Await;
import dev.shardline.testkit.internal.Loopback;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalKinesaliteIT {

  @Test
  void tenThousandRecordsMakeTheRoundTripOverJson() {
    // Given a server with a four-shard stream, and its (JSON) client
    try (LocalKinesalite kinesalite =
        LocalKinesalite.builder().initialStream("round-trip", 4).start()) {
      // When 10,000 records are written in batches of 500 and every shard is read back, then
      // every record came back exactly once, intact, in per-shard order
      RoundTrip.assertRoundTrip(kinesalite.client(), "round-trip", 4, 10_000);
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
      // Then the initial streams are ACTIVE with their shard counts, a new stream is CREATING for
      // the configured duration, and a stream past the shard limit is refused
      ServerOptionsCheck.assertShapedByOptions(kinesalite, createTakes);
    }
  }

  @Test
  void aClientThatHangsUpMidRequestDoesNotEndTheServer() throws Exception {
    // Given a running server (kinesalite rethrows a request's "aborted" error, which would end
    // the process)
    try (LocalKinesalite kinesalite = LocalKinesalite.builder().initialStream("s", 1).start()) {
      // When a client sends half a request and closes its connection, five times
      for (int i = 0; i < 5; i++) {
        try (java.net.Socket socket = new java.net.Socket()) {
          socket.connect(
              new InetSocketAddress("127.0.0.1", kinesalite.endpoint().getPort()), 5_000);
          socket
              .getOutputStream()
              .write(
                  ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          + "Content-Type: application/x-amz-json-1.1\r\n"
                          + "X-Amz-Target: Kinesis_20131202.ListStreams\r\n"
                          + "Content-Length: 1000\r\n\r\n{")
                      .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
        }
        int aborted = i + 1;
        // the server read the head, waited for the body, and saw the hang-up
        Await.until(
            "hang-up " + aborted + " reported in " + kinesalite.logFile(),
            Duration.ofSeconds(30),
            Duration.ofMillis(20),
            () -> abortsReported(kinesalite) >= aborted);
      }

      // Then it still answers
      assertThat(kinesalite.client().listStreams().streamNames()).contains("s");
    }
  }

  private static long abortsReported(LocalKinesalite kinesalite) {
    try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(kinesalite.logFile())) {
      return lines.filter(line -> line.startsWith("shardline-request-aborted")).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
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
