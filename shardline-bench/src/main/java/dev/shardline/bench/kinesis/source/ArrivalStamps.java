package dev.shardline.bench.kinesis.source;

import dev.shardline.config.Configuration;
import dev.shardline.kinesis.source.proxy.ForwardingKinesisProxy;
import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.kinesis.source.proxy.KinesisProxyFactory;
import dev.shardline.kinesis.source.proxy.SdkKinesisProxy;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * When each fan-out event reached this JVM, per record sequence number, without touching the
 * source's code: a {@link KinesisProxyFactory} for the source's builder that wraps the SDK proxy
 * ({@link SdkKinesisProxy#create}) and, in {@code subscribeToShard}, hands the fetcher the event
 * publisher mapped through a stamp ({@code publisher.map(...)}). The map runs on the SDK's I/O
 * thread as each event is delivered, just before the fetcher's subscriber sees it, so a sink that
 * looks the stamp up measures what the reader adds: from the event's arrival at the client to the
 * record's delivery downstream. It also counts events per shard (to tell when every shard is
 * subscribed). Thread-safe; the stamps of a JVM are found by the factory's id (the source, and so
 * its factory, is serializable).
 */
final class ArrivalStamps {
  private static final Map<String, ArrivalStamps> BY_ID = new ConcurrentHashMap<>();

  private final String id = UUID.randomUUID().toString();
  private final Map<String, Long> arrivalNanosBySequence = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> eventsByShard = new ConcurrentHashMap<>();

  ArrivalStamps() {
    BY_ID.put(id, this);
  }

  /** The factory to give the source's builder ({@code proxyFactory(...)}). */
  KinesisProxyFactory proxyFactory() {
    return new Factory(id);
  }

  /**
   * When the event holding {@code sequenceNumber} reached the client ({@code nanoTime}), or null.
   */
  Long arrivalNanos(String sequenceNumber) {
    return arrivalNanosBySequence.get(sequenceNumber);
  }

  /** Shards that have had at least one event. */
  int shardsWithEvents() {
    return eventsByShard.size();
  }

  /** Events received, over all shards. */
  long events() {
    return eventsByShard.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Forgets this registry's stamps (the factory stops working). */
  void release() {
    BY_ID.remove(id);
  }

  private static ArrivalStamps byId(String id) {
    ArrivalStamps stamps = BY_ID.get(id);
    if (stamps == null) {
      throw new IllegalStateException("ArrivalStamps " + id + " was released");
    }
    return stamps;
  }

  private SubscribeToShardEventStream stamp(String shardId, SubscribeToShardEventStream event) {
    if (event instanceof SubscribeToShardEvent e) {
      long now = System.nanoTime();
      for (Record record : e.records()) {
        arrivalNanosBySequence.put(record.sequenceNumber(), now);
      }
      eventsByShard.computeIfAbsent(shardId, s -> new LongAdder()).increment();
    }
    return event;
  }

  private record Factory(String id) implements KinesisProxyFactory {
    @Override
    public KinesisProxy create(Configuration config) {
      return new StampingProxy(SdkKinesisProxy.create(config), byId(id));
    }
  }

  /** The SDK proxy, with each subscription's events stamped on their way to the fetcher. */
  private static final class StampingProxy extends ForwardingKinesisProxy {
    private final ArrivalStamps stamps;

    StampingProxy(KinesisProxy delegate, ArrivalStamps stamps) {
      super(delegate);
      this.stamps = stamps;
    }

    @Override
    public CompletableFuture<Void> subscribeToShard(
        SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
      String shardId = request.shardId();
      return delegate()
          .subscribeToShard(
              request,
              new SubscribeToShardResponseHandler() {
                @Override
                public void responseReceived(SubscribeToShardResponse response) {
                  handler.responseReceived(response);
                }

                @Override
                public void onEventStream(SdkPublisher<SubscribeToShardEventStream> publisher) {
                  handler.onEventStream(publisher.map(event -> stamps.stamp(shardId, event)));
                }

                @Override
                public void exceptionOccurred(Throwable throwable) {
                  handler.exceptionOccurred(throwable);
                }

                @Override
                public void complete() {
                  handler.complete();
                }
              });
    }
  }
}
