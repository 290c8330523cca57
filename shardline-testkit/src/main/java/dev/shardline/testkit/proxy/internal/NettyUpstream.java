package dev.shardline.testkit.proxy.internal;

import dev.shardline.testkit.proxy.Operation;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 client for the upstream server with a pool of keep-alive connections, one request in
 * flight per connection. Pooled connections idle longer than {@code maxIdle} are closed rather than
 * reused (Node servers such as kinesis-local close idle connections after 5 s; reusing one at that
 * moment fails).
 *
 * <p>A request that fails on a reused connection before any answer arrived is sent once more on a
 * new connection only when sending it again cannot do anything twice: when writing it failed (the
 * server never had all of it), or when it only reads ({@code List*}, {@code Describe*}, {@code
 * GetShardIterator}). A {@code PutRecords} the server may have written, or a {@code GetRecords}, is
 * never sent again: it fails, and the proxy answers the client with a 5xx, as AWS does when its
 * backend drops a request, so the client decides whether to retry. Thread-safe.
 */
public final class NettyUpstream implements Upstream, AutoCloseable {
  /** GetRecords answers carry up to 10 MiB of data, base64 in JSON. */
  private static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;

  private record Idle(Channel channel, long since) {}

  private final URI uri;
  private final InetSocketAddress address;
  private final Bootstrap bootstrap;
  private final long maxIdleNanos;
  private final long answerTimeoutMillis;
  private final Deque<Idle> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  /**
   * @param uri {@code http://127.0.0.1:port} (the caller checked it is loopback)
   */
  public NettyUpstream(EventLoopGroup group, URI uri, Duration maxIdle, Duration answerTimeout) {
    this.uri = uri;
    this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
    this.maxIdleNanos = maxIdle.toNanos();
    this.answerTimeoutMillis = answerTimeout.toMillis();
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    Exchange exchange = new Exchange();
                    channel
                        .pipeline()
                        .addLast(exchange.answerStartMarker())
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(MAX_ANSWER_BYTES))
                        .addLast(exchange);
                  }
                });
  }

  @Override
  public CompletableFuture<ProxyResponse> send(ProxyRequest request) {
    CompletableFuture<ProxyResponse> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(
          new UpstreamException("KinesisQuotaProxy is closed", true, null));
      return result;
    }
    Channel pooled = pollIdle();
    if (pooled != null) {
      exchange(pooled, request, result, true);
    } else {
      connectAndExchange(request, result);
    }
    return result;
  }

  private void connectAndExchange(ProxyRequest request, CompletableFuture<ProxyResponse> result) {
    bootstrap
        .connect(address)
        .addListener(
            (ChannelFuture connected) -> {
              if (connected.isSuccess()) {
                exchange(connected.channel(), request, result, false);
              } else {
                result.completeExceptionally(
                    new UpstreamException(
                        "Cannot connect to the upstream " + uri + ": " + connected.cause(),
                        true,
                        connected.cause()));
              }
            });
  }

  private void exchange(
      Channel channel,
      ProxyRequest request,
      CompletableFuture<ProxyResponse> result,
      boolean reused) {
    Exchange exchange = channel.pipeline().get(Exchange.class);
    exchange
        .begin(channel, answerTimeoutMillis)
        .whenComplete(
            (response, error) -> {
              if (error == null) {
                if (!closed && channel.isActive() && keepsAlive(response)) {
                  idle.addFirst(new Idle(channel, System.nanoTime()));
                } else {
                  channel.close();
                }
                result.complete(response);
              } else {
                channel.close();
                if (reused && mayResend(request, error)) {
                  connectAndExchange(request, result);
                } else {
                  result.completeExceptionally(error);
                }
              }
            });
    channel
        .writeAndFlush(toNetty(request, uri))
        .addListener(
            written -> {
              if (!written.isSuccess()) {
                exchange.fail(
                    UpstreamException.notSent(
                        "Cannot send to the upstream " + uri + ": " + written.cause(),
                        written.cause()));
              }
            });
  }

  /**
   * Whether {@code request}, which failed with {@code error} on a reused connection, may go again:
   * only if the server cannot have acted on it, or acting twice changes nothing.
   */
  static boolean mayResend(ProxyRequest request, Throwable error) {
    if (!(error instanceof UpstreamException) || !((UpstreamException) error).beforeAnyAnswer()) {
      return false;
    }
    return ((UpstreamException) error).notSent() || onlyReads(request.operation());
  }

  private static boolean onlyReads(Operation operation) {
    String name = operation.apiName();
    return name != null
        && (name.startsWith("List")
            || name.startsWith("Describe")
            || operation == Operation.GET_SHARD_ITERATOR);
  }

  private Channel pollIdle() {
    long now = System.nanoTime();
    Idle candidate;
    while ((candidate = idle.pollFirst()) != null) {
      if (candidate.channel().isActive() && now - candidate.since() < maxIdleNanos) {
        return candidate.channel();
      }
      candidate.channel().close();
    }
    return null;
  }

  /** {@code request} as Netty sends it to the server at {@code uri}. */
  static FullHttpRequest toNetty(ProxyRequest request, URI uri) {
    HttpHeaders headers = new DefaultHttpHeaders();
    HttpHeadersCopy.copyEndToEnd(request.headers(), headers, request.body().length);
    if (!headers.contains("Host")) {
      headers.set("Host", uri.getHost() + ":" + uri.getPort());
    }
    return new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1,
        HttpMethod.valueOf(request.method()),
        request.uri(),
        Unpooled.wrappedBuffer(request.body()),
        headers,
        new DefaultHttpHeaders());
  }

  private static boolean keepsAlive(ProxyResponse response) {
    String connection = response.headers().get("Connection");
    return connection == null || !connection.equalsIgnoreCase("close");
  }

  @Override
  public void close() {
    closed = true;
    Idle candidate;
    while ((candidate = idle.pollFirst()) != null) {
      candidate.channel().close();
    }
  }

  /** One request/answer exchange at a time on one connection. */
  private static final class Exchange extends SimpleChannelInboundHandler<FullHttpResponse> {
    private volatile CompletableFuture<ProxyResponse> pending;
    private volatile boolean answerStarted;
    private volatile ScheduledFuture<?> timeout;

    CompletableFuture<ProxyResponse> begin(Channel channel, long timeoutMillis) {
      CompletableFuture<ProxyResponse> answer = new CompletableFuture<>();
      answerStarted = false;
      pending = answer;
      timeout =
          channel
              .eventLoop()
              .schedule(
                  () ->
                      fail(
                          new UpstreamException(
                              "The upstream did not answer within " + timeoutMillis + " ms",
                              false,
                              null)),
                  timeoutMillis,
                  TimeUnit.MILLISECONDS);
      return answer;
    }

    void fail(Throwable error) {
      CompletableFuture<ProxyResponse> answer = pending;
      pending = null;
      if (answer != null) {
        cancelTimeout();
        answer.completeExceptionally(error);
      }
    }

    ChannelInboundHandlerAdapter answerStartMarker() {
      return new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          answerStarted = true;
          ctx.fireChannelRead(msg);
        }
      };
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse answer) {
      CompletableFuture<ProxyResponse> waiting = pending;
      pending = null;
      if (waiting == null) {
        ctx.close(); // an answer nobody asked for: the connection is out of step
        return;
      }
      cancelTimeout();
      HttpHeaders headers = new DefaultHttpHeaders();
      headers.add(answer.headers());
      if (!HttpUtil.isKeepAlive(answer)) {
        headers.set("Connection", "close");
      }
      waiting.complete(
          new ProxyResponse(
              answer.status().code(), headers, ByteBufUtil.getBytes(answer.content())));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(
          new UpstreamException(
              "The upstream closed the connection before answering", !answerStarted, null));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(new UpstreamException("Upstream connection failed: " + cause, !answerStarted, cause));
      ctx.close();
    }

    private void cancelTimeout() {
      ScheduledFuture<?> scheduled = timeout;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }
  }
}
