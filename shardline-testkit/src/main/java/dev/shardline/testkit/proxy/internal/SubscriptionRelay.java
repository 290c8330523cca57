package dev.shardline.testkit.proxy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays SubscribeToShard event streams between a client connection and the upstream server, one
 * event-stream message at a time as it arrives (nothing is buffered beyond one message), each
 * subscription on its own upstream connection served by the client connection's event loop.
 *
 * <ul>
 *   <li>A non-200 or non-event-stream answer is passed on whole, like any answer.
 *   <li>The upstream ending its stream ends the client's (the final empty chunk); the upstream
 *       dropping the connection drops the client's; the client going away closes the upstream
 *       connection.
 *   <li>A new subscription of the same consumer and shard takes over: the old one gets a {@code
 *       ResourceInUseException} exception message and ends. kinesis-local takes up to a couple of
 *       seconds to notice a subscription the proxy ended and answers the new one with that
 *       exception meanwhile: the proxy then subscribes again, every 250 ms, for up to 5 s.
 *   <li>With end-of-shard on: an event without records on a shard the upstream lists as closed,
 *       after which GetRecords finds no record past the event's {@code ContinuationSequenceNumber},
 *       is replaced by AWS's final event ({@code ChildShards}, no {@code
 *       ContinuationSequenceNumber}, {@code MillisBehindLatest} 0) and the stream ends.
 * </ul>
 */
public final class SubscriptionRelay {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRelay.class);
  static final Duration TAKEOVER_WINDOW = Duration.ofSeconds(5);
  static final Duration RESUBSCRIBE_PAUSE = Duration.ofMillis(250);
  private static final String RESOURCE_IN_USE = "ResourceInUseException";
  private static final int MAX_ERROR_BYTES = 1024 * 1024;

  private final URI uri;
  private final InetSocketAddress address;
  private final Subscriptions book;
  private final CounterBook counters;
  private final ShardMapCache shardMaps;
  private final Upstream upstream;
  private final boolean endClosedShards;

  public SubscriptionRelay(
      URI uri,
      Subscriptions book,
      CounterBook counters,
      ShardMapCache shardMaps,
      Upstream upstream,
      boolean endClosedShards) {
    this.uri = uri;
    this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
    this.book = book;
    this.counters = counters;
    this.shardMaps = shardMaps;
    this.upstream = upstream;
    this.endClosedShards = endClosedShards;
  }

  /** Starts relaying {@code request} (a SubscribeToShard of {@code key}) for the client. */
  public void start(
      ChannelHandlerContext client, ProxyRequest request, SubscriptionKey key, boolean keepAlive) {
    new Relayed(client, request, key, keepAlive).begin();
  }

  /** One subscription; every method runs on the client connection's event loop. */
  private final class Relayed implements Subscriptions.Active {
    private final ChannelHandlerContext client;
    private final ProxyRequest request;
    private final SubscriptionKey key;
    private final boolean keepAlive;
    private final long retryUntil = System.nanoTime() + TAKEOVER_WINDOW.toNanos();
    private final Deque<EventStreamCodec.Framed> queue = new ArrayDeque<>();
    private Channel upstreamChannel;
    private EventStreamCodec.Decoder decoder;
    private HttpResponse streamHead;
    private boolean streaming;
    private boolean checking;
    private boolean upstreamDone;
    private boolean finished;

    Relayed(
        ChannelHandlerContext client,
        ProxyRequest request,
        SubscriptionKey key,
        boolean keepAlive) {
      this.client = client;
      this.request = request;
      this.key = key;
      this.keepAlive = keepAlive;
    }

    void begin() {
      book.takeOver(key, this);
      client.channel().closeFuture().addListener(closed -> onLoop(this::clientGone));
      connect();
    }

    @Override
    public void end(boolean drop) {
      onLoop(
          () -> {
            if (finished) {
              return;
            }
            if (drop || !streaming) {
              LOG.debug("Dropping the subscription of {}", key);
              finish();
              client.close();
            } else {
              LOG.debug("Another subscription of {} took over", key);
              EventStreamMessage taken =
                  EventStreamMessage.exception(
                      RESOURCE_IN_USE,
                      "Another subscription of consumer "
                          + key.consumerArn()
                          + " to shard "
                          + key.shard().shardId()
                          + " took over (KinesisQuotaProxy)");
              client.write(content(EventStreamCodec.encode(taken)));
              endClientStream();
            }
          });
    }

    private void onLoop(Runnable task) {
      if (client.executor().inEventLoop()) {
        task.run();
      } else {
        client.executor().execute(task);
      }
    }

    private void connect() {
      decoder = new EventStreamCodec.Decoder();
      streamHead = null;
      Bootstrap bootstrap =
          new Bootstrap()
              .group(client.channel().eventLoop())
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                      channel.pipeline().addLast(new HttpClientCodec()).addLast(new FromUpstream());
                    }
                  });
      ChannelFuture connecting = bootstrap.connect(address);
      upstreamChannel = connecting.channel();
      connecting.addListener(
          (ChannelFuture connected) -> {
            if (finished) {
              connected.channel().close();
            } else if (!connected.isSuccess()) {
              answerAndFinish(
                  AwsErrors.error(
                      WireProtocol.JSON,
                      502,
                      AwsErrors.INTERNAL_FAILURE,
                      "Cannot connect to the upstream " + uri + ": " + connected.cause()));
            } else {
              connected.channel().writeAndFlush(NettyUpstream.toNetty(request, uri));
            }
          });
    }

    private final class FromUpstream extends SimpleChannelInboundHandler<HttpObject> {
      private ByteArrayOutputStream errorBody;
      private HttpResponse errorHead;

      @Override
      protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) throws IOException {
        if (finished || ctx.channel() != upstreamChannel) {
          return;
        }
        if (msg instanceof HttpResponse head) {
          String type = head.headers().get("Content-Type", "");
          if (head.status().code() == 200
              && type.startsWith("application/vnd.amazon.eventstream")) {
            streamHead = head;
          } else {
            errorHead = head;
            errorBody = new ByteArrayOutputStream();
          }
        }
        if (msg instanceof HttpContent content) {
          byte[] bytes = ByteBufUtil.getBytes(content.content());
          if (errorHead != null) {
            if (errorBody.size() + bytes.length > MAX_ERROR_BYTES) {
              throw new IOException("Upstream error answer over " + MAX_ERROR_BYTES + " B");
            }
            errorBody.writeBytes(bytes);
            if (msg instanceof LastHttpContent) {
              HttpHeaders headers = new DefaultHttpHeaders().add(errorHead.headers());
              answerAndFinish(
                  new ProxyResponse(errorHead.status().code(), headers, errorBody.toByteArray()));
            }
            return;
          }
          decoder.feed(bytes).forEach(queue::addLast);
          if (msg instanceof LastHttpContent) {
            upstreamDone = true;
          }
          drain();
        }
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel() == upstreamChannel && !finished && !upstreamDone) {
          LOG.debug("The upstream dropped the subscription of {}", key);
          finish();
          client.close();
        }
        ctx.fireChannelInactive();
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Upstream subscription connection of {} failed", key, cause);
        ctx.close();
      }
    }

    /** Handles queued messages in order; pauses while an end-of-shard check is under way. */
    private void drain() {
      while (!finished && !checking && !queue.isEmpty()) {
        EventStreamCodec.Framed framed = queue.pollFirst();
        EventStreamMessage message = framed.message();
        if (!streaming) {
          if (message.isException(RESOURCE_IN_USE)
              && book.endedWithin(key, TAKEOVER_WINDOW)
              && System.nanoTime() < retryUntil) {
            // kinesis-local has not yet noticed the subscription the proxy ended
            LOG.debug(
                "The upstream still holds an ended subscription of {}; subscribing again", key);
            Channel stale = upstreamChannel;
            upstreamChannel = null;
            stale.close();
            queue.clear();
            client
                .executor()
                .schedule(
                    () -> {
                      if (!finished) {
                        connect();
                      }
                    },
                    RESUBSCRIBE_PAUSE.toMillis(),
                    TimeUnit.MILLISECONDS);
            return;
          }
          startClientStream();
        }
        if (message.isSubscribeToShardEvent() && endClosedShards && hasNoRecords(message)) {
          checking = true;
          mayEndShard(message)
              .whenComplete(
                  (finalEvent, error) ->
                      onLoop(
                          () -> {
                            checking = false;
                            if (error != null) {
                              LOG.debug("End-of-shard check of {} failed", key, error);
                            }
                            if (error == null && finalEvent.isPresent()) {
                              forward(finalEvent.get());
                              counters.subscriptionEndedWithChildShards(key.shard());
                              endClientStream();
                            } else {
                              forward(framed.bytes(), message);
                              drain();
                            }
                          }));
          return;
        }
        forward(framed.bytes(), message);
      }
      if (!finished && !checking && queue.isEmpty() && upstreamDone) {
        if (!streaming) {
          startClientStream();
        }
        endClientStream();
      }
    }

    private void startClientStream() {
      streaming = true;
      counters.subscriptionOpened(key.shard());
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, streamHead.status());
      HttpHeadersCopy.copyEndToEnd(streamHead.headers(), head.headers());
      HttpUtil.setTransferEncodingChunked(head, true);
      HttpUtil.setKeepAlive(head, keepAlive);
      client.writeAndFlush(head);
    }

    private void forward(byte[] bytes, EventStreamMessage message) {
      if (message.isSubscribeToShardEvent()) {
        counters.subscribeEventForwarded(key.shard());
      }
      client.writeAndFlush(content(bytes));
    }

    private void forward(EventStreamMessage message) {
      forward(EventStreamCodec.encode(message), message);
    }

    private void endClientStream() {
      finish();
      ChannelFuture written = client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      if (keepAlive) {
        written.addListener(
            done -> {
              client.channel().config().setAutoRead(true);
              client.read();
            });
      } else {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void answerAndFinish(ProxyResponse response) {
      finish();
      ProxyServer.write(client, response, keepAlive);
    }

    private void clientGone() {
      finish();
    }

    private void finish() {
      if (finished) {
        return;
      }
      finished = true;
      queue.clear();
      book.ended(key, this);
      if (upstreamChannel != null) {
        upstreamChannel.close();
      }
    }

    /**
     * AWS's final event instead of {@code empty}, when the shard is closed and nothing is left to
     * deliver after {@code empty}'s continuation sequence number; else empty.
     */
    private CompletableFuture<Optional<EventStreamMessage>> mayEndShard(EventStreamMessage empty) {
      WireProtocol protocol = empty.payloadProtocol();
      ObjectNode payload;
      try {
        payload = protocol.readObject(empty.payload());
      } catch (IOException e) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      String continuation = StreamId.text(payload.get("ContinuationSequenceNumber"));
      if (continuation == null) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      return shardMaps
          .get(key.stream(), request.headers())
          .thenCompose(
              map -> {
                Optional<List<ShardMap.Lineage>> children =
                    map.childrenOfClosed(key.shard().shardId());
                if (children.isEmpty()) {
                  return CompletableFuture.completedFuture(Optional.empty());
                }
                // The shard was closed before this check began: records after the continuation
                // now would be records the server has not delivered yet, and none can come later
                return nothingAfter(continuation)
                    .thenApply(
                        drained ->
                            drained
                                ? Optional.of(finalEvent(empty, protocol, children.get()))
                                : Optional.<EventStreamMessage>empty());
              });
    }

    private CompletableFuture<Boolean> nothingAfter(String sequenceNumber) {
      ObjectNode iteratorRequest =
          WireProtocol.JSON
              .newObject()
              .put("StreamName", key.shard().stream())
              .put("ShardId", key.shard().shardId())
              .put("ShardIteratorType", "AFTER_SEQUENCE_NUMBER")
              .put("StartingSequenceNumber", sequenceNumber);
      return call("GetShardIterator", iteratorRequest)
          .thenCompose(
              answer -> {
                String iterator = StreamId.text(answer.get("ShardIterator"));
                if (iterator == null) {
                  return CompletableFuture.completedFuture(false);
                }
                ObjectNode recordsRequest =
                    WireProtocol.JSON.newObject().put("ShardIterator", iterator).put("Limit", 1);
                return call("GetRecords", recordsRequest)
                    .thenApply(records -> records.path("Records").isEmpty());
              });
    }

    private CompletableFuture<ObjectNode> call(String operation, ObjectNode body) {
      byte[] bytes = WireProtocol.JSON.write(body);
      HttpHeaders headers = new DefaultHttpHeaders();
      for (String name : List.of("Authorization", "X-Amz-Date", "X-Amz-Security-Token")) {
        String value = request.headers().get(name);
        if (value != null) {
          headers.set(name, value);
        }
      }
      headers.set("Content-Type", WireProtocol.JSON.contentType());
      headers.set(ProxyRequest.TARGET, "Kinesis_20131202." + operation);
      headers.set("Content-Length", bytes.length);
      return upstream
          .send(new ProxyRequest("POST", "/", headers, bytes))
          .thenApply(
              response -> {
                try {
                  if (response.status() != 200) {
                    throw new IOException(operation + " answered " + response.status());
                  }
                  return response.protocol().orElse(WireProtocol.JSON).readObject(response.body());
                } catch (IOException e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              });
    }
  }

  private static boolean hasNoRecords(EventStreamMessage event) {
    try {
      JsonNode records = event.payloadProtocol().readObject(event.payload()).get("Records");
      return records == null || records.isNull() || records.isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * AWS's last event of a closed shard's subscription, in the protocol of the event it replaces.
   */
  static EventStreamMessage finalEvent(
      EventStreamMessage replaced, WireProtocol protocol, List<ShardMap.Lineage> children) {
    ObjectNode payload = protocol.newObject();
    payload.putArray("Records");
    payload.put("MillisBehindLatest", 0L);
    ArrayNode childShards = payload.putArray("ChildShards");
    for (ShardMap.Lineage child : children) {
      ObjectNode node = childShards.addObject().put("ShardId", child.shardId());
      ArrayNode parents = node.putArray("ParentShards");
      if (child.parentShardId() != null) {
        parents.add(child.parentShardId());
      }
      if (child.adjacentParentShardId() != null) {
        parents.add(child.adjacentParentShardId());
      }
      node.putObject("HashKeyRange")
          .put("StartingHashKey", child.startingHashKey().toString())
          .put("EndingHashKey", child.endingHashKey().toString());
    }
    return new EventStreamMessage(replaced.headers(), protocol.write(payload));
  }

  private static HttpContent content(byte[] bytes) {
    return new DefaultHttpContent(Unpooled.wrappedBuffer(bytes));
  }
}
