package dev.shardline.kinesis.source.reader;

import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.config.Configuration;
import dev.shardline.kinesis.KinesisThrottledException;
import dev.shardline.kinesis.ShardIteratorExpiredException;
import dev.shardline.kinesis.internal.KinesisErrors;
import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.kinesis.source.reader.ShardReadState.Phase;
import dev.shardline.kinesis.source.split.ShardPosition;
import dev.shardline.metrics.MetricTags;
import dev.shardline.time.Time;
import dev.shardline.util.Futures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;

/**
 * Fetches a reader's shards by polling, with asynchronous GetShardIterator/GetRecords calls through
 * a {@link KinesisProxy}: no thread per shard, nothing blocks. Call results are handed back to the
 * reader's thread ({@link ShardFetcher.Batches#onReaderThread}).
 *
 * <p>Per shard: at most one call in flight, calls at least {@code reader.getRecords.interval} apart
 * (start to start); while the shard is caught up (an empty answer, MillisBehindLatest 0), {@code
 * reader.idleInterval} after the first empty answer, doubling with each further one up to {@code
 * reader.maxIdleInterval}, back to the busy pace at the first answer with records; and after an
 * answer of n bytes at least n / {@code reader.maxBytesPerSecondPerShard}; the next call only once
 * the reader has emitted the batch before. A shard's first GetRecords after it was added asks for
 * at most {@link ReaderSettings#FIRST_CALL_MAX_RECORDS} records, the later ones for {@code
 * reader.getRecords.maxRecords}. Across shards: at most {@code reader.maxConcurrentRequests} calls
 * in flight, granted in the order shards became due.
 *
 * <p>Errors: throttling backs off (doubling, ±50% jitter) without limit and is counted; an expired
 * iterator is replaced by one after the last emitted record (before any, at the starting position,
 * where LATEST has been pinned to AT_TIMESTAMP of the shard's start); server errors, timeouts and
 * broken connections back off and fail the reader after {@code retry.maxAttempts} attempts in a
 * row; any other error fails the reader at once, naming the stream and shard.
 *
 * <p>Before a shard's first call from a restored position, its {@link RetentionCheck}.
 *
 * <p>Not thread-safe: every method is called from the reader's thread.
 */
final class PollingShardFetcher implements ShardFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(PollingShardFetcher.class);

  private final ShardFetcher.Batches batches;
  private final ReaderSettings settings;
  private final Function<Configuration, KinesisProxy> proxyFactory;
  private final Configuration config;
  private final Time time;
  private final String region;

  private KinesisProxy proxy;
  private final PriorityQueue<ShardReadState> due =
      new PriorityQueue<>(
          Comparator.comparingLong((ShardReadState s) -> s.dueNanos)
              .thenComparingLong(s -> s.dueOrder));
  private final RetentionCheck retention;
  private final WakeUp wakeUp = new WakeUp();
  private long dueCounter;
  private int inFlight;

  /**
   * A fetcher.
   *
   * @param batches the reader it fetches for
   * @param proxyFactory creates the proxy at {@link #start()}
   * @param region the configured region, for error messages
   */
  PollingShardFetcher(
      ShardFetcher.Batches batches,
      ReaderSettings settings,
      Configuration config,
      Function<Configuration, KinesisProxy> proxyFactory,
      Time time,
      String region) {
    this.batches = batches;
    this.settings = settings;
    this.config = config;
    this.proxyFactory = proxyFactory;
    this.time = time;
    this.region = region;
    this.retention =
        new RetentionCheck(
            batches,
            settings,
            time,
            region,
            ready -> makeDue(ready, time.nanoseconds()),
            failed ->
                retryLater(failed, time.nanoseconds(), settings.backoff().delay(0, random())));
  }

  @Override
  public void start() {
    if (proxy == null) {
      proxy = proxyFactory.apply(config);
    }
  }

  @Override
  public List<Meter> registerMeters(ShardReadState shard, MetricTags tags, MeterRegistry registry) {
    shard.renewals =
        Counter.builder(KinesisMetricNames.ITERATOR_RENEWALS)
            .description("Expired iterators replaced")
            .tags(tags)
            .register(registry);
    shard.calls =
        Counter.builder(KinesisMetricNames.GET_RECORDS_CALLS)
            .description("GetRecords calls")
            .tags(tags)
            .register(registry);
    return List.of(shard.renewals, shard.calls);
  }

  @Override
  public void add(ShardReadState shard) {
    makeDue(shard, time.nanoseconds());
  }

  @Override
  public void fetchNext(ShardReadState shard) {
    queueDue(shard);
  }

  @Override
  public void fetch() {
    issueCalls();
  }

  @Override
  public boolean readyNow() {
    return callReadyNow();
  }

  @Override
  public void wakeUpWhenDue(CompletableFuture<Void> future) {
    scheduleWakeup(future);
  }

  @Override
  public void close() {
    if (proxy != null) {
      proxy.close();
    }
  }

  // ---------------------------------------------------------------- calls
  private void issueCalls() {
    long now = time.nanoseconds();
    while (inFlight < settings.maxConcurrentRequests() && !batches.failed()) {
      ShardReadState shard = due.peek();
      if (shard == null || shard.dueNanos > now) {
        return;
      }
      due.poll();
      if (shard.iterator == null) {
        if (shard.checkRetention && !retention.mayStart(proxy, shard)) {
          continue;
        }
        requestIterator(shard, now);
      } else {
        requestRecords(shard, now);
      }
    }
  }

  private void requestIterator(ShardReadState shard, long now) {
    ShardReadState.StartAt at = shard.startAt();
    startCall(shard, now);
    CompletableFuture<String> call;
    try {
      call =
          proxy.getShardIterator(
              shard.split.stream(),
              shard.split.shardId(),
              at.type(),
              at.sequence(),
              at.timestamp());
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    ShardPosition asked = at.position();
    call.whenComplete(
        (iterator, error) ->
            batches.onReaderThread(() -> onIterator(shard, asked, iterator, error)));
  }

  private void requestRecords(ShardReadState shard, long now) {
    startCall(shard, now);
    shard.calls.increment();
    String iterator = shard.iterator;
    CompletableFuture<GetRecordsResponse> call;
    try {
      int limit = shard.answered ? settings.maxRecordsPerCall() : settings.firstCallMaxRecords();
      call = proxy.getRecords(shard.split.stream(), iterator, limit);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete(
        (response, error) -> batches.onReaderThread(() -> onRecords(shard, response, error)));
  }

  private void startCall(ShardReadState shard, long now) {
    shard.phase = Phase.IN_FLIGHT;
    shard.lastCallStartNanos = now;
    inFlight++;
  }

  private void onIterator(
      ShardReadState shard, ShardPosition asked, String iterator, Throwable error) {
    inFlight--;
    if (!batches.isCurrent(shard)) {
      return;
    }
    long now = time.nanoseconds();
    if (error == null) {
      shard.iterator = iterator;
      shard.failures = 0;
      shard.throttledInARow = 0;
      makeDue(shard, now);
      return;
    }
    onFailure(shard, "GetShardIterator from " + asked, error, now);
  }

  private void onRecords(ShardReadState shard, GetRecordsResponse response, Throwable error) {
    inFlight--;
    if (!batches.isCurrent(shard)) {
      return;
    }
    long now = time.nanoseconds();
    if (error != null) {
      onFailure(shard, "GetRecords", error, now);
      return;
    }
    shard.failures = 0;
    shard.throttledInARow = 0;
    shard.answered = true;
    Long behind = response.millisBehindLatest();
    long bytes = batches.buffer(shard, response.records());
    shard.iterator = response.nextShardIterator();
    // pacing: start to start at least the call interval; when caught up the idle wait, which grows
    // while the shard stays caught up (most of an idle reader's CPU is its calls); over budget
    // longer
    boolean idle = response.records().isEmpty() && (behind == null || behind == 0);
    long next;
    if (idle) {
      next = now + settings.idleWaitNanos(shard.emptyInARow);
      if (shard.emptyInARow < Integer.MAX_VALUE) {
        shard.emptyInARow++;
      }
    } else {
      shard.emptyInARow = 0;
      next = shard.lastCallStartNanos + settings.callInterval().toNanos();
    }
    long budget = (long) (bytes * 1e9 / settings.bytesPerSecond());
    shard.dueNanos = Math.max(next, now + budget);
    batches.delivered(shard, shard.iterator == null, behind == null ? -1 : behind);
  }

  private void onFailure(ShardReadState shard, String call, Throwable error, long now) {
    String where = "stream " + shard.split.stream() + " shard " + shard.split.shardId();
    ShardlineException classified = KinesisErrors.classify(error);
    if (FetchErrors.failsForGood(
        batches, classified, call + " on " + where, shard.split.stream(), region)) {
      return;
    }
    if (classified instanceof KinesisThrottledException) {
      shard.throttled.increment();
      Duration wait = settings.backoff().delay(shard.throttledInARow++, random());
      LOG.debug("{} on {} throttled; retrying in {}", call, where, wait);
      retryLater(shard, now, wait);
    } else if (classified instanceof ShardIteratorExpiredException) {
      shard.renewals.increment();
      shard.iterator = null;
      if (++shard.failures > settings.maxAttempts()) {
        batches.fail(
            new ShardlineException(
                "The shard iterator of "
                    + where
                    + " expired "
                    + shard.failures
                    + " times in a row; last error: "
                    + KinesisErrors.describe(error),
                Futures.unwrap(error)));
        return;
      }
      LOG.info("Shard iterator of {} expired; getting a new one from {}", where, shard.position());
      makeDue(shard, now);
    } else if (classified instanceof RetriableException) {
      if (++shard.failures >= settings.maxAttempts()) {
        batches.fail(
            new RetriableException(
                call
                    + " on "
                    + where
                    + " failed "
                    + shard.failures
                    + " times in a row; last error: "
                    + KinesisErrors.describe(error)
                    + ". Check that Kinesis is reachable ("
                    + "awsRegion, clientConfigProperties) and healthy",
                Futures.unwrap(error)));
        return;
      }
      Duration wait = settings.backoff().delay(shard.failures - 1, random());
      LOG.warn(
          "{} on {} failed (attempt {} of {}), retrying in {}: {}",
          call,
          where,
          shard.failures,
          settings.maxAttempts(),
          wait,
          KinesisErrors.describe(error));
      retryLater(shard, now, wait);
    } else {
      batches.fail(
          new ShardlineException(
              call + " on " + where + " failed: " + KinesisErrors.describe(error),
              Futures.unwrap(error)));
    }
  }

  private void retryLater(ShardReadState shard, long now, Duration wait) {
    shard.dueNanos = now + wait.toNanos();
    queueDue(shard);
  }

  private static double random() {
    return ThreadLocalRandom.current().nextDouble();
  }

  // ---------------------------------------------------------------- scheduling

  private void makeDue(ShardReadState shard, long at) {
    shard.dueNanos = at;
    queueDue(shard);
  }

  private void queueDue(ShardReadState shard) {
    shard.phase = Phase.WAITING;
    shard.dueOrder = dueCounter++;
    due.add(shard);
  }

  private boolean callReadyNow() {
    ShardReadState next = due.peek();
    return next != null
        && inFlight < settings.maxConcurrentRequests()
        && next.dueNanos <= time.nanoseconds();
  }

  private void scheduleWakeup(CompletableFuture<Void> future) {
    ShardReadState next = due.peek();
    if (next == null || inFlight >= settings.maxConcurrentRequests()) {
      return; // a completion will wake us up
    }
    wakeUp.at(next.dueNanos, time.nanoseconds(), future);
  }
}
