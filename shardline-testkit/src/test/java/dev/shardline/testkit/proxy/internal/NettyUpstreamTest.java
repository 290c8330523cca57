package dev.shardline.testkit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.internal.Loopback;
import dev.shardline.testkit.proxy.Operation;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream connection pool against a hand-written HTTP/1.1 server on 127.0.0.1 that drops a
 * connection after reading a request, as a server that dies mid-request does.
 */
class NettyUpstreamTest {
  private final NioEventLoopGroup loop = new NioEventLoopGroup(1);
  private DroppingServer server;

  @AfterEach
  void stop() throws IOException {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aPutRecordsWhoseReusedConnectionClosesBeforeAnAnswerIsNotSentTwice() throws Exception {
    // Given a pooled connection, and a server that reads the PutRecords (maybe writing its records)
    // and then drops the connection without an answer
    server = new DroppingServer((operation, attempt) -> operation.equals("PutRecords"));
    NettyUpstream upstream = upstream();
    assertThat(upstream.send(request("ListStreams")).get(10, TimeUnit.SECONDS).status())
        .isEqualTo(200);

    // When the PutRecords goes over the reused connection
    Throwable failure = failure(upstream, request("PutRecords"));

    // Then it fails (the proxy answers the client 502, the client decides), and the server got it
    // once: sending it again could write its records twice
    assertThat(failure).isInstanceOf(UpstreamException.class);
    assertThat(server.received).containsExactly("ListStreams", "PutRecords");
  }

  @Test
  void aGetRecordsIsNotSentTwiceEither() throws Exception {
    server = new DroppingServer((operation, attempt) -> operation.equals("GetRecords"));
    NettyUpstream upstream = upstream();
    upstream.send(request("ListStreams")).get(10, TimeUnit.SECONDS);

    assertThat(failure(upstream, request("GetRecords"))).isInstanceOf(UpstreamException.class);
    assertThat(server.received).containsExactly("ListStreams", "GetRecords");
  }

  @Test
  void aReadOnlyRequestWhoseReusedConnectionClosesIsSentOnceMoreOnANewConnection()
      throws Exception {
    // Given a pooled connection, and a server that drops the first ListShards
    server =
        new DroppingServer((operation, attempt) -> operation.equals("ListShards") && attempt == 1);
    NettyUpstream upstream = upstream();
    upstream.send(request("ListStreams")).get(10, TimeUnit.SECONDS);

    // When a ListShards goes over the reused connection
    ProxyResponse response = upstream.send(request("ListShards")).get(10, TimeUnit.SECONDS);

    // Then it went once more, on a new connection, and the caller has the answer
    assertThat(response.status()).isEqualTo(200);
    assertThat(server.received).containsExactly("ListStreams", "ListShards", "ListShards");
  }

  @Test
  void onlyRequestsThatCannotActTwiceMayBeResent() {
    UpstreamException dropped = new UpstreamException("closed", true, null);
    UpstreamException unsent = UpstreamException.notSent("write failed", null);
    UpstreamException midAnswer = new UpstreamException("closed", false, null);

    assertThat(NettyUpstream.mayResend(request("PutRecords"), dropped)).isFalse();
    assertThat(NettyUpstream.mayResend(request("PutRecord"), dropped)).isFalse();
    assertThat(NettyUpstream.mayResend(request("GetRecords"), dropped)).isFalse();
    assertThat(NettyUpstream.mayResend(request("CreateStream"), dropped)).isFalse();
    assertThat(NettyUpstream.mayResend(request("PutRecords"), unsent)).isTrue();
    assertThat(NettyUpstream.mayResend(request("DescribeStreamSummary"), dropped)).isTrue();
    assertThat(NettyUpstream.mayResend(request("GetShardIterator"), dropped)).isTrue();
    assertThat(NettyUpstream.mayResend(request("ListShards"), midAnswer)).isFalse();
  }

  private NettyUpstream upstream() {
    return new NettyUpstream(
        loop,
        URI.create("http://127.0.0.1:" + server.port()),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10));
  }

  private static Throwable failure(NettyUpstream upstream, ProxyRequest request) throws Exception {
    try {
      ProxyResponse response = upstream.send(request).get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected no answer, got " + response.status());
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private static ProxyRequest request(String operation) {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set(ProxyRequest.TARGET, "Kinesis_20131202." + operation);
    headers.set("Content-Type", "application/x-amz-json-1.1");
    headers.set("Content-Length", body.length);
    assertThat(Operation.fromTarget(headers.get(ProxyRequest.TARGET)))
        .isNotEqualTo(Operation.OTHER);
    return new ProxyRequest("POST", "/", headers, body);
  }

  /**
   * Answers {@code {}} with keep-alive, except that it closes the connection, after reading the
   * whole request, when {@code drop} says so for (operation, how many of it it has seen).
   */
  private static final class DroppingServer implements AutoCloseable {
    final List<String> received = new CopyOnWriteArrayList<>();
    private final ServerSocket socket;
    private final BiPredicate<String, Integer> drop;

    DroppingServer(BiPredicate<String, Integer> drop) throws IOException {
      this.drop = drop;
      this.socket = new ServerSocket();
      socket.bind(new InetSocketAddress(Loopback.IPV4, 0));
      Thread acceptor = new Thread(this::accept, "dropping-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket connection = socket.accept();
          Thread serve = new Thread(() -> serve(connection), "dropping-server-connection");
          serve.setDaemon(true);
          serve.start();
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    private void serve(Socket connection) {
      try (connection) {
        InputStream in = connection.getInputStream();
        OutputStream out = connection.getOutputStream();
        while (true) {
          String operation = readRequest(in);
          if (operation == null) {
            return;
          }
          received.add(operation);
          int attempt = (int) received.stream().filter(operation::equals).count();
          if (drop.test(operation, attempt)) {
            return; // closes the connection: no answer
          }
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
                      + "Content-Length: 2\r\n\r\n{}")
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      } catch (IOException e) {
        // the client went away
      }
    }

    /** Reads one request; returns its operation, or null at the end of the stream. */
    private static String readRequest(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        head.write(b);
        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String operation = null;
      int length = 0;
      for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("x-amz-target:")) {
          operation = line.substring(line.indexOf('.') + 1).trim();
        } else if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      in.readNBytes(length);
      return operation;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
