package dev.shardline.kinesis.source.reader;

import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.config.Configuration;
import dev.shardline.kinesis.KinesisStreamNotFoundException;
import dev.shardline.kinesis.KinesisThrottledException;
import dev.shardline.kinesis.internal.KinesisErrors;
import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.fanout.StreamConsumers;
import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.kinesis.source.reader.ShardReadState.Phase;
import dev.shardline.metrics.MetricTags;
import dev.shardline.time.Time;
import dev.shardline.util.Futures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Fetches a reader's shards with enhanced fan-out: one SubscribeToShard subscription per shard,
 * through a {@link KinesisProxy}, with the stream consumer's ARN from {@code consumerArns}. Events
 * are handed back to the reader's thread ({@link ShardFetcher.Batches#onReaderThread}).
 *
 * <p><b>Backpressure.</b> A subscription is asked for one event at a time, and for the next only
 * once the reader has emitted the one before ({@link #fetchNext}): at most one event per shard is
 * buffered, and a slow downstream holds the server back instead of filling the heap.
 *
 * <p><b>Subscriptions.</b> A subscription ends after at most 5 minutes, or when the connection
 * drops: the shard is subscribed again after its last event ({@code ContinuationSequenceNumber},
 * AFTER_SEQUENCE_NUMBER), else from its position, and at most once a second per shard (AWS's
 * quota). Records at or before the position a subscription started after are skipped, whatever the
 * server sends. A subscription with an event asked for and nothing heard for {@link #SILENCE} is
 * cancelled and made again (FLINK-38814: a reader must never wait forever on a dead subscription).
 *
 * <p><b>End of shard.</b> The last event of a closed shard carries its child shards and no
 * continuation: the shard is delivered as ended and never subscribed again (FLINK-39540); the
 * reader's core finishes it in a checkpoint before its children are read.
 *
 * <p>Before a shard's first subscription from a restored position, its {@link RetentionCheck}.
 *
 * <p><b>Errors.</b> Throttling ({@code LimitExceededException}) backs off without limit and is
 * counted; a consumer not ACTIVE ({@code ResourceInUseException}), server errors, timeouts and
 * broken connections back off and fail the reader after {@code retry.maxAttempts} failures in a
 * row, naming the shard; an error no retry can fix fails it at once.
 *
 * <p>Not thread-safe: every method is called from the reader's thread; subscriber callbacks only
 * queue their signal for it.
 */
final class FanOutShardFetcher implements ShardFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(FanOutShardFetcher.class);

  /** AWS allows one SubscribeToShard per second per consumer and shard. */
  static final Duration SUBSCRIBE_INTERVAL = Duration.ofSeconds(1);

  /**
   * A subscription with an event asked for that hears nothing for this long is dead. AWS and
   * kinesis-local send an event at least every few seconds, with no records when there are none.
   */
  static final Duration SILENCE = Duration.ofSeconds(35);

  private final ShardFetcher.Batches batches;
  private final ReaderSettings settings;
  private final Function<Configuration, KinesisProxy> proxyFactory;
  private final Configuration config;
  private final Function<KinesisProxy, StreamConsumers> consumersFactory;
  private final Time time;
  private final String region;
  private final RetentionCheck retention;

  private KinesisProxy proxy;
  private StreamConsumers consumers;
  private final Map<String, String> arnByStream = new HashMap<>();
  private final Map<String, List<FanOutShard>> awaitingArn = new HashMap<>();
  private final Map<String, FanOutShard> shards = new LinkedHashMap<>();
  private final WakeUp wakeUp = new WakeUp();

  /**
   * A fetcher.
   *
   * @param batches the reader it fetches for
   * @param proxyFactory creates the proxy at {@link #start()}
   * @param consumersFactory given the proxy, the reader's {@link StreamConsumers}: the ARN of the
   *     stream consumer of each stream, once it is ACTIVE
   * @param region the configured region, for error messages
   */
  FanOutShardFetcher(
      ShardFetcher.Batches batches,
      ReaderSettings settings,
      Configuration config,
      Function<Configuration, KinesisProxy> proxyFactory,
      Function<KinesisProxy, StreamConsumers> consumersFactory,
      Time time,
      String region) {
    this.batches = batches;
    this.settings = settings;
    this.config = config;
    this.proxyFactory = proxyFactory;
    this.consumersFactory = consumersFactory;
    this.time = time;
    this.region = region;
    this.retention =
        new RetentionCheck(
            batches,
            settings,
            time,
            region,
            ready -> due(ready, time.nanoseconds()),
            failed ->
                due(failed, time.nanoseconds() + settings.backoff().delay(0, random()).toNanos()));
  }

  private void due(ShardReadState shard, long atNanos) {
    FanOutShard fs = shards.get(shard.splitId);
    if (fs != null) {
      fs.dueNanos = atNanos;
      shard.phase = Phase.WAITING;
    }
  }

  @Override
  public void start() {
    if (proxy == null) {
      proxy = proxyFactory.apply(config);
      consumers = consumersFactory.apply(proxy);
      // restored splits may be added before the start
      for (FanOutShard fs : List.copyOf(shards.values())) {
        add(fs.shard);
      }
    }
  }

  @Override
  public List<Meter> registerMeters(ShardReadState shard, MetricTags tags, MeterRegistry registry) {
    FanOutShard fs = shards.computeIfAbsent(shard.splitId, id -> new FanOutShard(shard));
    fs.resubscriptions =
        Counter.builder(KinesisMetricNames.RESUBSCRIPTIONS)
            .description("SubscribeToShard calls after the shard's first")
            .tags(tags)
            .register(registry);
    return List.of(fs.resubscriptions);
  }

  @Override
  public void add(ShardReadState shard) {
    FanOutShard fs = shards.computeIfAbsent(shard.splitId, id -> new FanOutShard(shard));
    if (consumers == null) {
      return; // added again at the start
    }
    fs.dueNanos = time.nanoseconds();
    shard.phase = Phase.WAITING;
    hasArn(fs);
  }

  /**
   * Whether the consumer ARN of the shard's stream is known; if not, the shard waits for it (its
   * lookup started when none is under way).
   */
  private boolean hasArn(FanOutShard fs) {
    String stream = stream(fs);
    if (arnByStream.containsKey(stream)) {
      return true;
    }
    List<FanOutShard> waiting = awaitingArn.get(stream);
    if (waiting != null) {
      if (!waiting.contains(fs)) {
        waiting.add(fs);
      }
      return false;
    }
    waiting = new ArrayList<>();
    waiting.add(fs);
    awaitingArn.put(stream, waiting);
    CompletableFuture<String> lookup;
    try {
      lookup = consumers.activeConsumerArn(stream);
    } catch (RuntimeException e) {
      lookup = CompletableFuture.failedFuture(e);
    }
    lookup.whenComplete(
        (consumerArn, error) -> batches.onReaderThread(() -> onArn(stream, consumerArn, error)));
    return false;
  }

  private void onArn(String stream, String consumerArn, Throwable error) {
    List<FanOutShard> waiting = awaitingArn.remove(stream);
    if (error != null) {
      Throwable cause = Futures.unwrap(error);
      batches.fail(
          cause instanceof ShardlineException known
              ? known
              : new ShardlineException(
                  "Cannot find the fan-out stream consumer of stream "
                      + stream
                      + ": "
                      + KinesisErrors.describe(error),
                  cause));
      return;
    }
    arnByStream.put(stream, consumerArn);
  }

  @Override
  public void fetchNext(ShardReadState shard) {
    FanOutShard fs = shards.get(shard.splitId);
    if (fs == null) {
      return;
    }
    fs.holding = false;
    Sub sub = fs.current;
    if (sub != null && sub.subscription != null && !sub.over) {
      demand(fs, sub);
    }
  }

  @Override
  public void fetch() {
    if (batches.failed()) {
      return;
    }
    long now = time.nanoseconds();
    for (FanOutShard fs : shards.values()) {
      if (fs.ended || !batches.isCurrent(fs.shard)) {
        continue;
      }
      Sub sub = fs.current;
      if (sub == null) {
        if (fs.dueNanos >= 0 && fs.dueNanos <= now && hasArn(fs)) {
          if (fs.shard.checkRetention && !retention.mayStart(proxy, fs.shard)) {
            fs.dueNanos = -1; // handed back by the check
            continue;
          }
          subscribe(fs, now);
        }
      } else if (!sub.over && sub.silentSince(now) > SILENCE.toNanos()) {
        sub.cancel();
        onSubscriptionEnd(
            fs,
            sub,
            // a timeout, retried as one
            new TimeoutException(
                "no event for " + SILENCE.toSeconds() + " s on a live subscription"),
            now);
      }
    }
    removeGone();
  }

  @Override
  public boolean readyNow() {
    long now = time.nanoseconds();
    for (FanOutShard fs : shards.values()) {
      if (fs.current == null
          && !fs.ended
          && fs.dueNanos >= 0
          && fs.dueNanos <= now
          && !waitsForArn(fs)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void wakeUpWhenDue(CompletableFuture<Void> future) {
    long now = time.nanoseconds();
    long at = Long.MAX_VALUE;
    for (FanOutShard fs : shards.values()) {
      if (fs.ended) {
        continue;
      }
      Sub sub = fs.current;
      if (sub == null) {
        if (fs.dueNanos >= 0 && !waitsForArn(fs)) {
          at = Math.min(at, fs.dueNanos);
        }
      } else if (!sub.over && (sub.awaiting || sub.subscription == null)) {
        // the silence check of a subscription that waits for an event or for its stream
        at = Math.min(at, sub.lastHeardNanos + SILENCE.toNanos() + 1);
      }
    }
    if (at != Long.MAX_VALUE) {
      wakeUp.at(at, now, future);
    }
  }

  @Override
  public void close() {
    // the subscriptions' calls complete as soon as they are cancelled (measured: within 0 ms), so
    // nothing is waited for; their connections close on the proxy's I/O threads as it shuts down
    for (FanOutShard fs : shards.values()) {
      if (fs.current != null) {
        fs.current.cancel();
      }
    }
    shards.clear();
    if (consumers != null) {
      consumers.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  // ---------------------------------------------------------------- subscriptions

  private void subscribe(FanOutShard fs, long now) {
    ShardReadState shard = fs.shard;
    StartingPosition.Builder start = StartingPosition.builder();
    String after;
    if (fs.continuation != null) {
      start.type(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(fs.continuation);
      after = fs.continuation;
    } else {
      ShardReadState.StartAt at = shard.startAt();
      start.type(at.type()).sequenceNumber(at.sequence()).timestamp(at.timestamp());
      after = at.type() == ShardIteratorType.AFTER_SEQUENCE_NUMBER ? at.sequence() : null;
    }
    Sub sub = new Sub(fs, after == null ? null : new BigInteger(after), now);
    fs.current = sub;
    fs.lastSubscribeNanos = now;
    fs.dueNanos = -1;
    shard.phase = Phase.IN_FLIGHT;
    if (fs.subscriptions++ > 0 && fs.resubscriptions != null) {
      fs.resubscriptions.increment();
    }
    SubscribeToShardRequest request =
        SubscribeToShardRequest.builder()
            .consumerARN(arnByStream.get(stream(fs)))
            .shardId(shard.split.shardId())
            .startingPosition(start.build())
            .build();
    SubscribeToShardResponseHandler handler =
        SubscribeToShardResponseHandler.builder()
            .onEventStream(publisher -> publisher.subscribe(sub))
            .onError(error -> {})
            .build();
    CompletableFuture<Void> call;
    try {
      call = proxy.subscribeToShard(request, handler);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    LOG.debug("Subscribed to {} from {}", shard.splitId, start.build());
    call.whenComplete(
        (ignored, error) ->
            batches.onReaderThread(() -> onSubscriptionEnd(fs, sub, error, time.nanoseconds())));
  }

  /** Asks the subscription for one more event, unless the reader still holds the last one. */
  private void demand(FanOutShard fs, Sub sub) {
    if (fs.holding || sub.awaiting || sub.over || sub.subscription == null) {
      return;
    }
    sub.awaiting = true;
    sub.lastHeardNanos = time.nanoseconds();
    sub.subscription.request(1);
  }

  private void onSubscribed(FanOutShard fs, Sub sub) {
    if (fs.current != sub || sub.over) {
      sub.cancel();
      return;
    }
    sub.lastHeardNanos = time.nanoseconds();
    demand(fs, sub);
  }

  private void onEvent(FanOutShard fs, Sub sub, SubscribeToShardEvent event) {
    if (fs.current != sub || sub.over || !batches.isCurrent(fs.shard)) {
      return;
    }
    sub.awaiting = false;
    sub.events++;
    sub.lastHeardNanos = time.nanoseconds();
    fs.failures = 0;
    fs.throttledInARow = 0;
    List<Record> records = sub.skipSeen(event.records());
    boolean end =
        event.continuationSequenceNumber() == null
            || (event.hasChildShards() && !event.childShards().isEmpty());
    if (!end) {
      fs.continuation = event.continuationSequenceNumber();
    }
    Long behind = event.millisBehindLatest();
    batches.buffer(fs.shard, records);
    if (end) {
      fs.ended = true;
      sub.over = true;
      sub.cancel();
      LOG.info(
          "Subscription to stream {} shard {} ended with the shard (children {})",
          fs.shard.split.stream(),
          fs.shard.split.shardId(),
          event.hasChildShards()
              ? event.childShards().stream().map(ChildShard::shardId).toList()
              : List.of());
    } else {
      fs.holding = true;
    }
    batches.delivered(fs.shard, end, behind == null ? -1 : behind);
  }

  /**
   * The subscription ended: normally (after at most 5 minutes), with an error, or cancelled. Unless
   * the shard ended or the reader lets it go, it is subscribed again.
   */
  private void onSubscriptionEnd(FanOutShard fs, Sub sub, Throwable error, long now) {
    if (sub.endHandled) {
      return;
    }
    sub.endHandled = true;
    sub.over = true;
    if (fs.current != sub) {
      return;
    }
    fs.current = null;
    if (fs.ended || !batches.isCurrent(fs.shard) || batches.failed()) {
      return;
    }
    long earliest = fs.lastSubscribeNanos + SUBSCRIBE_INTERVAL.toNanos();
    if (error == null && sub.events == 0) {
      // a subscription that ends at once, again and again, must not read nothing forever: an end
      // before any event counts as a failure (over HTTP/1.1 a dropped connection can look so)
      error = new TimeoutException("the subscription ended before its first event");
    }
    if (error == null) {
      LOG.debug("Subscription to {} completed; subscribing again", fs.shard.splitId);
      fs.dueNanos = Math.max(now, earliest);
      fs.shard.phase = Phase.WAITING;
      return;
    }
    String where = "stream " + fs.shard.split.stream() + " shard " + fs.shard.split.shardId();
    String call = "SubscribeToShard on " + where;
    Throwable cause = Futures.unwrap(error);
    ShardlineException classified = KinesisErrors.classify(error);
    boolean consumerGone = classified instanceof KinesisStreamNotFoundException;
    if (consumerGone) {
      // on SubscribeToShard the consumer may have been deleted: look it up again (the enumerator
      // registers a managed one again); if the stream is gone, the lookup says so
      consumers.forget(stream(fs));
      arnByStream.remove(stream(fs));
    } else if (FetchErrors.failsForGood(
        batches, classified, call, fs.shard.split.stream(), region)) {
      return;
    }
    Duration wait;
    if (classified instanceof KinesisThrottledException) {
      fs.shard.throttled.increment();
      wait = settings.backoff().delay(fs.throttledInARow++, random());
      LOG.debug("{} throttled; subscribing again in {}", call, wait);
    } else if (consumerGone || classified instanceof RetriableException) {
      if (++fs.failures >= settings.maxAttempts()) {
        batches.fail(
            new UnrecoverableException(
                call
                    + " failed "
                    + fs.failures
                    + " times in a row; last error: "
                    + KinesisErrors.describe(error)
                    + ". Check that the stream consumer exists and is ACTIVE"
                    + " (reader.fanOut.consumerName / consumerArn) and that Kinesis is"
                    + " reachable (awsRegion, clientConfigProperties)",
                cause));
        return;
      }
      wait = settings.backoff().delay(fs.failures - 1, random());
      LOG.warn(
          "{} failed (attempt {} of {}), subscribing again in {}: {}",
          call,
          fs.failures,
          settings.maxAttempts(),
          wait,
          KinesisErrors.describe(error));
    } else {
      batches.fail(
          new ShardlineException(call + " failed: " + KinesisErrors.describe(error), cause));
      return;
    }
    fs.dueNanos = Math.max(now + wait.toNanos(), earliest);
    fs.shard.phase = Phase.WAITING;
  }

  /** Forgets the shards that ended or that the reader let go, cancelling what they still hold. */
  private void removeGone() {
    shards
        .values()
        .removeIf(
            fs -> {
              if (!fs.ended && batches.isCurrent(fs.shard)) {
                return false;
              }
              if (fs.current != null) {
                fs.current.cancel();
              }
              return true;
            });
  }

  /** Whether the shard waits for its stream's consumer ARN, whose lookup will wake the reader. */
  private boolean waitsForArn(FanOutShard fs) {
    return !arnByStream.containsKey(stream(fs)) && awaitingArn.containsKey(stream(fs));
  }

  private static String stream(FanOutShard fs) {
    return fs.shard.split.stream();
  }

  private static double random() {
    return ThreadLocalRandom.current().nextDouble();
  }

  /** A shard's fan-out state. Reader thread only. */
  private static final class FanOutShard {
    final ShardReadState shard;
    Sub current;
    String continuation;
    long dueNanos = -1;
    long lastSubscribeNanos = Long.MIN_VALUE / 2;
    int subscriptions;
    int failures;
    int throttledInARow;
    // the reader holds the last event's records (not yet all emitted): ask for no more
    boolean holding;
    boolean ended;
    Counter resubscriptions;

    FanOutShard(ShardReadState shard) {
      this.shard = shard;
    }
  }

  /**
   * One SubscribeToShard subscription: its Reactive Streams subscriber, which hands every signal to
   * the reader's thread. The reader's side fields are reader thread only.
   */
  private final class Sub implements Subscriber<SubscribeToShardEventStream> {
    final FanOutShard fs;
    // the subscription started after this sequence number: records up to it are not read again
    BigInteger skipThrough;
    volatile Subscription subscription;
    volatile boolean cancelled;
    boolean awaiting;
    int events;
    // no more events wanted (the shard ended, or the subscription was given up)
    boolean over;
    // its end was handled (it ends once, whichever of the subscriber or the call says so first)
    boolean endHandled;
    long lastHeardNanos;

    Sub(FanOutShard fs, BigInteger skipThrough, long now) {
      this.fs = fs;
      this.skipThrough = skipThrough;
      this.lastHeardNanos = now;
    }

    long silentSince(long now) {
      return awaiting || subscription == null ? now - lastHeardNanos : 0;
    }

    List<Record> skipSeen(List<Record> records) {
      if (skipThrough == null || records.isEmpty()) {
        return records;
      }
      int from = 0;
      while (from < records.size()
          && new BigInteger(records.get(from).sequenceNumber()).compareTo(skipThrough) <= 0) {
        from++;
      }
      if (from > 0) {
        LOG.debug("Skipped {} records of {} at or before {}", from, fs.shard.splitId, skipThrough);
      }
      if (from < records.size()) {
        skipThrough = null;
      }
      return from == 0 ? records : records.subList(from, records.size());
    }

    void cancel() {
      cancelled = true;
      Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      if (cancelled) {
        s.cancel();
        return;
      }
      batches.onReaderThread(() -> onSubscribed(fs, this));
    }

    @Override
    public void onNext(SubscribeToShardEventStream event) {
      if (event instanceof SubscribeToShardEvent e) {
        batches.onReaderThread(() -> onEvent(fs, this, e));
      }
    }

    @Override
    public void onError(Throwable t) {
      batches.onReaderThread(() -> onSubscriptionEnd(fs, this, t, time.nanoseconds()));
    }

    @Override
    public void onComplete() {
      batches.onReaderThread(() -> onSubscriptionEnd(fs, this, null, time.nanoseconds()));
    }
  }
}
