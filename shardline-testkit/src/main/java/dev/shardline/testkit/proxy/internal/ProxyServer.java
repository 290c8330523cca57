package dev.shardline.testkit.proxy.internal;

import dev.shardline.testkit.internal.Loopback;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's HTTP/1.1 server on 127.0.0.1: aggregates each request, hands it to the {@link
 * RequestProcessor} and carries out the {@link Outcome}. Keep-alive connections; one request at a
 * time per connection (reading pauses until the answer is written), so answers never overtake each
 * other. Thread-safe.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  /** PutRecords requests are at most 5 MiB of data, base64 in JSON. */
  private static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

  private final Channel serverChannel;
  private final ChannelGroup channels;

  private ProxyServer(Channel serverChannel, ChannelGroup channels) {
    this.serverChannel = serverChannel;
    this.channels = channels;
  }

  /** Binds a free port on 127.0.0.1 and starts serving. */
  public static ProxyServer start(
      EventLoopGroup group, RequestProcessor processor, SubscriptionRelay relay) {
    ChannelGroup channels =
        new DefaultChannelGroup("kinesis-quota-proxy", GlobalEventExecutor.INSTANCE);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channels.add(channel);
                    channel
                        .pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                        .addLast(new ClientExchange(processor, relay));
                  }
                });
    Channel server =
        bootstrap.bind(new InetSocketAddress(Loopback.IPV4, 0)).syncUninterruptibly().channel();
    channels.add(server);
    return new ProxyServer(server, channels);
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Stops accepting, closes every client connection (held requests die with them). */
  @Override
  public void close() {
    channels.close().awaitUninterruptibly(Duration.ofSeconds(10).toMillis());
  }

  /** Writes {@code response} whole; then reads the next request, or closes. */
  static void write(ChannelHandlerContext ctx, ProxyResponse response, boolean keepAlive) {
    if (!ctx.channel().isActive()) {
      return;
    }
    FullHttpResponse answer =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(response.status()),
            Unpooled.wrappedBuffer(response.body()));
    HttpHeadersCopy.copyEndToEnd(response.headers(), answer.headers(), response.body().length);
    boolean keepOpen = keepAlive && !"close".equalsIgnoreCase(response.headers().get("Connection"));
    HttpUtil.setKeepAlive(answer, keepOpen);
    if (keepOpen) {
      ctx.writeAndFlush(answer)
          .addListener(
              written -> {
                ctx.channel().config().setAutoRead(true);
                ctx.read();
              });
    } else {
      ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static final class ClientExchange extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final RequestProcessor processor;
    private final SubscriptionRelay relay;

    ClientExchange(RequestProcessor processor, SubscriptionRelay relay) {
      this.processor = processor;
      this.relay = relay;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      ctx.channel().config().setAutoRead(false);
      if (request.decoderResult().isFailure()) {
        FullHttpResponse refusal =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
        refusal.headers().set("Content-Length", 0);
        ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpHeaders headers = new DefaultHttpHeaders();
      headers.add(request.headers());
      ProxyRequest proxied =
          new ProxyRequest(
              request.method().name(),
              request.uri(),
              headers,
              ByteBufUtil.getBytes(request.content()));
      processor
          .process(proxied)
          .whenComplete(
              (outcome, error) ->
                  ctx.executor().execute(() -> carryOut(ctx, proxied, outcome, error, keepAlive)));
    }

    private void carryOut(
        ChannelHandlerContext ctx,
        ProxyRequest request,
        Outcome outcome,
        Throwable error,
        boolean keepAlive) {
      if (error != null) {
        LOG.error("KinesisQuotaProxy could not process a request", error);
        ctx.close();
      } else if (outcome instanceof Outcome.Drop) {
        ctx.close();
      } else if (outcome instanceof Outcome.Subscribe subscribe) {
        if (ctx.channel().isActive()) {
          relay.start(ctx, request, subscribe.key(), keepAlive);
        }
      } else if (outcome instanceof Outcome.Respond) {
        Outcome.Respond respond = (Outcome.Respond) outcome;
        if (respond.delay().isZero()) {
          write(ctx, respond.response(), keepAlive);
        } else {
          ctx.executor()
              .schedule(
                  () -> write(ctx, respond.response(), keepAlive),
                  respond.delay().toNanos(),
                  TimeUnit.NANOSECONDS);
        }
      }
      // Outcome.Hold: no answer; the connection stays open, not reading, until someone closes it.
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("Client connection failed", cause);
      ctx.close();
    }
  }
}
