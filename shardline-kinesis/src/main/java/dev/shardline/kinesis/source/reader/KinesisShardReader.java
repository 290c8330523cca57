package dev.shardline.kinesis.source.reader;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.config.Configuration;
import dev.shardline.format.RecordDecoder;
import dev.shardline.kinesis.aggregation.HashKey;
import dev.shardline.kinesis.aggregation.RecordDeaggregator;
import dev.shardline.kinesis.aggregation.UserRecord;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.config.KinesisSourceOptions.PastRetentionPolicy;
import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.proxy.KinesisErrors;
import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.kinesis.source.reader.ShardReadState.PendingRecord;
import dev.shardline.kinesis.source.reader.ShardReadState.Phase;
import dev.shardline.kinesis.source.split.KinesisShardSplit;
import dev.shardline.kinesis.source.split.ShardPosition;
import dev.shardline.kinesis.source.split.ShardsEndedEvent;
import dev.shardline.kinesis.source.split.ShardsFinishedEvent;
import dev.shardline.metrics.MetricNames;
import dev.shardline.metrics.MetricTags;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/**
 * Reads the shards one worker owns, with asynchronous GetShardIterator/GetRecords calls through a
 * {@link KinesisProxy}: no thread per shard, {@link #pollNext} never blocks. Call results are
 * queued by whatever thread completes them and applied on the worker's thread inside {@code
 * pollNext}.
 *
 * <p>Per shard: at most one call in flight, calls at least {@code reader.getRecords.interval} apart
 * (start to start), {@code reader.idleInterval} apart while the shard is caught up, and after an
 * answer of n bytes at least n / {@code reader.maxBytesPerSecondPerShard}. Across shards: at most
 * {@code reader.maxConcurrentRequests} calls in flight, granted in the order shards became due, and
 * records emitted round-robin, so a busy shard cannot starve the others.
 *
 * <p>Errors: throttling backs off (doubling, ±50% jitter) without limit and is counted; an expired
 * iterator is replaced by one after the last emitted record (before any, at the starting position,
 * where LATEST has been pinned to AT_TIMESTAMP of the shard's start); server errors, timeouts and
 * broken connections back off and fail the reader after {@code retry.maxAttempts} attempts in a
 * row; any other error fails the reader at once, naming the stream and shard.
 *
 * <p>Resharding order: a shard read to its end is reported at once with a {@link ShardsEndedEvent},
 * stays in checkpoints as finished, and once a checkpoint holding it has completed is reported with
 * a {@link ShardsFinishedEvent}; it leaves the reader's state after a further checkpoint, so that
 * the enumerator has surely seen the event by then.
 *
 * <p>Not thread-safe: every method is called from the worker's thread.
 *
 * @param <T> the decoded value type
 */
public final class KinesisShardReader<T>
    implements SourceReader<KinesisRecord<T>, KinesisShardSplit> {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisShardReader.class);
  private static final CompletableFuture<Void> AVAILABLE = CompletableFuture.completedFuture(null);

  private final SourceReaderContext context;
  private final ReaderSettings settings;
  private final Function<Configuration, KinesisProxy> proxyFactory;
  private final Configuration config;
  private final RecordDecoder<T> decoder;
  private final String sourceIdentity;
  private final Time time;
  private final MeterRegistry metrics;
  private final Counter aggregatesDropped;
  private final Counter aggregatedRecordsDropped;
  private final MessageDigest md5 = HashKey.newMd5();
  private final String region;

  private KinesisProxy proxy;
  private final Map<String, ShardReadState> shards = new LinkedHashMap<>();
  private final Map<String, EndedSplit> endedSplits = new LinkedHashMap<>();
  private final PriorityQueue<ShardReadState> due =
      new PriorityQueue<>(
          Comparator.comparingLong((ShardReadState s) -> s.dueNanos)
              .thenComparingLong(s -> s.dueOrder));
  private final ArrayDeque<ShardReadState> buffered = new ArrayDeque<>();
  // shards ended since the last emit: their outputs (watermarks on Flink) are released at the next
  private final ArrayDeque<String> endedOutputs = new ArrayDeque<>();
  private final Queue<Runnable> completions = new ConcurrentLinkedQueue<>();
  private final Map<String, Duration> retentionByStream = new HashMap<>();
  private final Map<String, List<ShardReadState>> awaitingRetention = new HashMap<>();
  private final Emitter<T> emitter = new Emitter<>();
  private volatile CompletableFuture<Void> available = new CompletableFuture<>();
  private CompletableFuture<Void> wakeupFor;
  private long wakeupAtNanos;
  private long dueCounter;
  private int inFlight;
  private boolean noMoreSplits;
  private RuntimeException failure;
  private boolean closed;

  /**
   * A reader.
   *
   * @param config the source's validated configuration
   * @param decoder decodes each user record's bytes
   * @param sourceIdentity tags metrics, e.g. {@code kinesis:orders}
   * @param proxyFactory creates the proxy at {@link #start()}
   */
  public KinesisShardReader(
      SourceReaderContext context,
      Configuration config,
      RecordDecoder<T> decoder,
      String sourceIdentity,
      Function<Configuration, KinesisProxy> proxyFactory) {
    this.context = checkNotNull(context, "context");
    this.config = checkNotNull(config, "config");
    this.settings = ReaderSettings.from(config);
    this.decoder = checkNotNull(decoder, "decoder");
    this.sourceIdentity = checkNotNull(sourceIdentity, "sourceIdentity");
    this.proxyFactory = checkNotNull(proxyFactory, "proxyFactory");
    this.time = context.time();
    this.metrics = context.metrics();
    MetricTags tags = MetricTags.empty().source(sourceIdentity);
    this.aggregatesDropped =
        Counter.builder(KinesisMetricNames.AGGREGATES_DROPPED)
            .description("Aggregates dropped whole for a user record outside their shard's range")
            .tags(tags)
            .register(metrics);
    this.aggregatedRecordsDropped =
        Counter.builder(KinesisMetricNames.AGGREGATED_RECORDS_DROPPED)
            .description("User records inside the aggregates dropped")
            .tags(tags)
            .register(metrics);
    this.region = AwsRegion.fromConfiguration(config).describe();
  }

  @Override
  public void start() {
    if (proxy == null) {
      proxy = proxyFactory.apply(config);
    }
  }

  @Override
  public void addSplits(List<KinesisShardSplit> splits) {
    List<String> restoredFinished = new ArrayList<>();
    for (KinesisShardSplit split : splits) {
      if (split.finished()) {
        // restored from a checkpoint that holds it as finished: its records were flushed then
        EndedSplit ended = new EndedSplit(split);
        ended.finishedSent = true;
        endedSplits.put(split.splitId(), ended);
        restoredFinished.add(split.splitId());
        continue;
      }
      if (shards.containsKey(split.splitId()) || endedSplits.containsKey(split.splitId())) {
        LOG.warn("Shard {} was assigned to this reader twice; ignoring the second", split);
        continue;
      }
      ShardReadState shard = new ShardReadState(split);
      shard.checkRetention = split.position().arrivalMillis() >= 0;
      if (split.position().kind() == ShardPosition.Kind.LATEST) {
        pinLatest(shard);
      }
      registerMeters(shard);
      shards.put(shard.splitId, shard);
      makeDue(shard, time.nanoseconds());
      LOG.info(
          "Reader {} reads {} from {}",
          context.readerIndex(),
          split.splitId(),
          shard.latestOnFirstCall
              ? "LATEST (pinned at " + shard.position() + ")"
              : shard.position());
    }
    if (!restoredFinished.isEmpty()) {
      context.sendEventToEnumerator(new ShardsFinishedEvent(restoredFinished));
    }
    signal();
  }

  /**
   * LATEST means "from now on" only for the one GetShardIterator that starts the shard. Every later
   * use of the position (a new iterator after an expired one or a failed first call, a checkpoint
   * restored later) must still mean "from when we started", or the records written in between are
   * skipped. So the position becomes AT_TIMESTAMP of now less a margin ({@link
   * ShardPosition#latestPinnedAt}), which is earlier than the server's LATEST of the first call
   * even if this host's clock runs a little ahead of Kinesis's; and only the first call asks for
   * LATEST: AT_TIMESTAMP there would read the margin's records in every run, and kinesalite never
   * answers AT_TIMESTAMP on a shard with no record after it.
   */
  private void pinLatest(ShardReadState shard) {
    shard.position(ShardPosition.latestPinnedAt(Instant.ofEpochMilli(time.milliseconds())));
    shard.latestOnFirstCall = true;
  }

  @Override
  public void notifyNoMoreSplits() {
    noMoreSplits = true;
    signal();
  }

  @Override
  public InputStatus pollNext(ReaderOutput<KinesisRecord<T>> output) {
    if (failure != null) {
      throw failure;
    }
    applyCompletions();
    issueCalls();
    emit(output);
    issueCalls();
    if (failure != null) {
      throw failure;
    }
    if (!buffered.isEmpty() || !completions.isEmpty() || callReadyNow()) {
      return InputStatus.MORE_AVAILABLE;
    }
    if (noMoreSplits && shards.isEmpty()) {
      return InputStatus.END_OF_INPUT;
    }
    return InputStatus.NOTHING_AVAILABLE;
  }

  @Override
  public CompletableFuture<Void> isAvailable() {
    if (failure != null || !buffered.isEmpty() || !completions.isEmpty() || callReadyNow()) {
      return AVAILABLE;
    }
    CompletableFuture<Void> future = available;
    if (future.isDone()) {
      future = new CompletableFuture<>();
      available = future;
    }
    if (!completions.isEmpty()) {
      future.complete(null);
      return future;
    }
    scheduleWakeup(future);
    return future;
  }

  @Override
  public List<KinesisShardSplit> snapshotState(long checkpointId) {
    List<KinesisShardSplit> splits = new ArrayList<>(shards.size() + endedSplits.size());
    for (ShardReadState shard : shards.values()) {
      splits.add(shard.split.withPosition(shard.position()));
    }
    for (EndedSplit ended : endedSplits.values()) {
      splits.add(ended.split);
      if (!ended.finishedSent && ended.firstSnapshot < 0) {
        ended.firstSnapshot = checkpointId;
      } else if (ended.finishedSent && ended.snapshotAfterSend < 0) {
        ended.snapshotAfterSend = checkpointId;
      }
    }
    return splits;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    List<String> finished = new ArrayList<>();
    for (Iterator<EndedSplit> it = endedSplits.values().iterator(); it.hasNext(); ) {
      EndedSplit ended = it.next();
      if (ended.finishedSent) {
        if (ended.snapshotAfterSend >= 0 && checkpointId >= ended.snapshotAfterSend) {
          it.remove();
        }
      } else if (ended.firstSnapshot >= 0 && checkpointId >= ended.firstSnapshot) {
        ended.finishedSent = true;
        finished.add(ended.split.splitId());
      }
    }
    if (!finished.isEmpty()) {
      LOG.debug("Reader {}: finished shards checkpointed: {}", context.readerIndex(), finished);
      context.sendEventToEnumerator(new ShardsFinishedEvent(finished));
    }
  }

  @Override
  public void close() {
    closed = true;
    for (ShardReadState shard : shards.values()) {
      removeMeters(shard);
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  /** The splits this reader reads now, for tests and diagnostics. */
  public List<String> activeSplitIds() {
    return List.copyOf(shards.keySet());
  }

  // ---------------------------------------------------------------- calls

  private void issueCalls() {
    long now = time.nanoseconds();
    while (inFlight < settings.maxConcurrentRequests() && failure == null) {
      ShardReadState shard = due.peek();
      if (shard == null || shard.dueNanos > now) {
        return;
      }
      due.poll();
      if (shard.iterator == null) {
        if (shard.checkRetention && !checkRetention(shard)) {
          continue;
        }
        requestIterator(shard, now);
      } else {
        requestRecords(shard, now);
      }
    }
  }

  private void requestIterator(ShardReadState shard, long now) {
    ShardPosition p = shard.position();
    ShardIteratorType type;
    String sequence = p.sequenceNumber();
    Instant timestamp = p.timestamp();
    if (shard.latestOnFirstCall) {
      // the first call of a split that arrived at LATEST; anything after it uses the pinned time
      shard.latestOnFirstCall = false;
      p = ShardPosition.latest();
      timestamp = null;
    }
    switch (p.kind()) {
      case LATEST -> type = ShardIteratorType.LATEST;
      case TRIM_HORIZON -> type = ShardIteratorType.TRIM_HORIZON;
      case AT_TIMESTAMP -> type = ShardIteratorType.AT_TIMESTAMP;
      case AT_SEQUENCE_NUMBER -> type = ShardIteratorType.AT_SEQUENCE_NUMBER;
      case AFTER_SEQUENCE_NUMBER ->
          // inside an aggregate: read it again and skip the user records already emitted
          type =
              p.isInsideAggregate()
                  ? ShardIteratorType.AT_SEQUENCE_NUMBER
                  : ShardIteratorType.AFTER_SEQUENCE_NUMBER;
      default -> throw new IllegalStateException("Unhandled position " + p);
    }
    startCall(shard, now);
    CompletableFuture<String> call;
    try {
      call =
          proxy.getShardIterator(
              shard.split.stream(), shard.split.shardId(), type, sequence, timestamp);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    ShardPosition asked = p;
    call.whenComplete(
        (iterator, error) -> complete(() -> onIterator(shard, asked, iterator, error)));
  }

  private void requestRecords(ShardReadState shard, long now) {
    startCall(shard, now);
    shard.calls.increment();
    String iterator = shard.iterator;
    CompletableFuture<GetRecordsResponse> call;
    try {
      call = proxy.getRecords(shard.split.stream(), iterator, settings.maxRecordsPerCall());
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete((response, error) -> complete(() -> onRecords(shard, response, error)));
  }

  private void startCall(ShardReadState shard, long now) {
    shard.phase = Phase.IN_FLIGHT;
    shard.lastCallStartNanos = now;
    inFlight++;
  }

  private void complete(Runnable onReaderThread) {
    completions.add(onReaderThread);
    available.complete(null);
  }

  private void applyCompletions() {
    Runnable completion;
    while ((completion = completions.poll()) != null && failure == null) {
      completion.run();
    }
  }

  private void onIterator(
      ShardReadState shard, ShardPosition asked, String iterator, Throwable error) {
    inFlight--;
    if (!isCurrent(shard)) {
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
    if (!isCurrent(shard)) {
      return;
    }
    long now = time.nanoseconds();
    if (error != null) {
      onFailure(shard, "GetRecords", error, now);
      return;
    }
    shard.failures = 0;
    shard.throttledInARow = 0;
    Long behind = response.millisBehindLatest();
    shard.millisBehindLatest = behind == null ? -1 : behind;
    long bytes = 0;
    List<Record> records = response.records();
    if (!records.isEmpty()) {
      ShardPosition resumeFrom = shard.position();
      ShardPosition insideAggregate = resumeFrom.isInsideAggregate() ? resumeFrom : null;
      Instant received = null;
      for (Record record : records) {
        byte[] data = record.data().asByteArrayUnsafe();
        bytes += data.length + record.partitionKey().length();
        Instant arrival = record.approximateArrivalTimestamp();
        if (arrival == null) {
          if (received == null) {
            received = Instant.ofEpochMilli(time.milliseconds());
          }
          arrival = received;
        }
        bufferRecord(shard, record, data, arrival, insideAggregate);
      }
    }
    shard.bytes.increment(bytes);
    shard.iterator = response.nextShardIterator();
    if (shard.iterator == null) {
      shard.endOfShard = true;
    }
    // pacing: start to start at least the call interval; longer when caught up or over budget
    boolean idle = response.records().isEmpty() && (behind == null || behind == 0);
    long next =
        idle
            ? now + settings.idleInterval().toNanos()
            : shard.lastCallStartNanos + settings.callInterval().toNanos();
    long budget = (long) (bytes * 1e9 / settings.bytesPerSecond());
    shard.dueNanos = Math.max(next, now + budget);
    if (!shard.buffer.isEmpty()) {
      shard.phase = Phase.BUFFERED;
      buffered.add(shard);
    } else if (shard.endOfShard) {
      shardEnded(shard);
    } else {
      queueDue(shard);
    }
  }

  /**
   * Buffers {@code record}'s user records; {@code insideAggregate} is the position when the shard
   * resumes inside an aggregate (its user records up to the position's are skipped), else null.
   */
  private void bufferRecord(
      ShardReadState shard,
      Record record,
      byte[] data,
      Instant arrival,
      ShardPosition insideAggregate) {
    String sequence = record.sequenceNumber();
    Optional<List<UserRecord>> users =
        RecordDeaggregator.hasMagic(data) ? RecordDeaggregator.deaggregate(data) : Optional.empty();
    if (users.isEmpty()) {
      if (!isAlreadyEmitted(insideAggregate, sequence, -1)) {
        shard.buffer.add(
            new PendingRecord(
                shard.split, sequence, -1, true, record.partitionKey(), null, data, arrival));
      }
      return;
    }
    List<UserRecord> list = users.get();
    if (shard.rangeStart != null) {
      Optional<UserRecord> outside =
          RecordDeaggregator.firstOutside(list, shard.rangeStart, shard.rangeEnd, md5);
      if (outside.isPresent()) {
        dropForeignAggregate(shard, sequence, list, outside.get());
        return;
      }
    }
    for (int i = 0; i < list.size(); i++) {
      if (isAlreadyEmitted(insideAggregate, sequence, i)) {
        continue;
      }
      UserRecord user = list.get(i);
      shard.buffer.add(
          new PendingRecord(
              shard.split,
              sequence,
              i,
              i == list.size() - 1,
              user.partitionKey(),
              user.explicitHashKey(),
              user.data(),
              arrival));
    }
  }

  /**
   * An aggregate holding a user record of another shard was put here by a producer whose shard map
   * was out of date (resharding). The KCL drops such an aggregate whole, so a producer that cares
   * for KCL consumers (the KPL, Shardline's sink) sends its records again: reading them here too
   * would read them twice, and the foreign ones out of order with their key's shard.
   */
  private void dropForeignAggregate(
      ShardReadState shard, String sequence, List<UserRecord> users, UserRecord outside) {
    aggregatesDropped.increment();
    aggregatedRecordsDropped.increment(users.size());
    LOG.warn(
        "Dropped an aggregated record of stream {} shard {} (sequence number {}, {} user records):"
            + " the user record with partition key \"{}\"{} does not belong to the shard's hash key"
            + " range [{}, {}], so a producer put it here by an out-of-date shard map (resharding)."
            + " The KCL drops such aggregates whole too; Shardline's Kinesis sink and the KPL send"
            + " the records again. Counted in {}.",
        shard.split.stream(),
        shard.split.shardId(),
        sequence,
        users.size(),
        outside.partitionKey(),
        outside.explicitHashKey() == null
            ? ""
            : " (explicit hash key " + outside.explicitHashKey() + ")",
        shard.split.startingHashKey(),
        shard.split.endingHashKey(),
        KinesisMetricNames.AGGREGATES_DROPPED);
  }

  /** A record re-read to resume inside an aggregate: skip what was emitted before. */
  private static boolean isAlreadyEmitted(
      ShardPosition insideAggregate, String sequence, long sub) {
    return insideAggregate != null
        && insideAggregate.sequenceNumber().equals(sequence)
        && sub <= insideAggregate.subSequenceNumber();
  }

  private void onFailure(ShardReadState shard, String call, Throwable error, long now) {
    String where = "stream " + shard.split.stream() + " shard " + shard.split.shardId();
    if (failsForGood(call + " on " + where, shard.split.stream(), error)) {
      return;
    }
    KinesisErrors.Kind kind = KinesisErrors.classify(error);
    switch (kind) {
      case THROTTLED -> {
        shard.throttled.increment();
        Duration wait = settings.backoff().delay(shard.throttledInARow++, random());
        LOG.debug("{} on {} throttled; retrying in {}", call, where, wait);
        retryLater(shard, now, wait);
      }
      case EXPIRED_ITERATOR -> {
        shard.renewals.increment();
        shard.iterator = null;
        if (++shard.failures > settings.maxAttempts()) {
          fail(
              new ShardlineException(
                  "The shard iterator of "
                      + where
                      + " expired "
                      + shard.failures
                      + " times in a row; last error: "
                      + KinesisErrors.describe(error),
                  KinesisErrors.unwrap(error)));
          return;
        }
        LOG.info(
            "Shard iterator of {} expired; getting a new one from {}", where, shard.position());
        makeDue(shard, now);
      }
      case TRANSIENT -> {
        if (++shard.failures >= settings.maxAttempts()) {
          fail(
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
                  KinesisErrors.unwrap(error)));
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
      }
      case FATAL ->
          fail(
              new ShardlineException(
                  call
                      + " on "
                      + where
                      + " failed: "
                      + KinesisErrors.describe(error)
                      + (KinesisErrors.unwrap(error) instanceof ResourceNotFoundException
                          ? ". Check that the stream exists in the configured region"
                          : ""),
                  KinesisErrors.unwrap(error)));
      default -> throw new IllegalStateException("Unhandled error kind " + kind);
    }
  }

  /**
   * Fails the reader with errors that end it whatever the retry budget: Kinesis unreachable for
   * longer than unreachableTimeout (as is: it names the endpoint), or an error no restart can fix
   * (a missing stream, refused credentials).
   */
  private boolean failsForGood(String operation, String stream, Throwable error) {
    ServerUnreachableException unreachable = ServerUnreachableException.findIn(error);
    if (unreachable != null) {
      fail(unreachable);
      return true;
    }
    UnrecoverableException unrecoverable =
        KinesisErrors.unrecoverable(error, operation, stream, region);
    if (unrecoverable != null) {
      fail(unrecoverable);
      return true;
    }
    return false;
  }

  private void retryLater(ShardReadState shard, long now, Duration wait) {
    shard.dueNanos = now + wait.toNanos();
    queueDue(shard);
  }

  private static double random() {
    return ThreadLocalRandom.current().nextDouble();
  }

  // ---------------------------------------------------------------- retention

  /** Whether the shard may get its iterator now; false while the retention is being fetched. */
  private boolean checkRetention(ShardReadState shard) {
    String stream = shard.split.stream();
    Duration retention = retentionByStream.get(stream);
    if (retention == null) {
      List<ShardReadState> waiting = awaitingRetention.get(stream);
      shard.phase = Phase.AWAITING_RETENTION;
      if (waiting != null) {
        waiting.add(shard);
        return false;
      }
      waiting = new ArrayList<>();
      waiting.add(shard);
      awaitingRetention.put(stream, waiting);
      CompletableFuture<StreamDescriptionSummary> call;
      try {
        call = proxy.describeStreamSummary(stream);
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      call.whenComplete((summary, error) -> complete(() -> onRetention(stream, summary, error)));
      return false;
    }
    shard.checkRetention = false;
    long arrival = shard.position().arrivalMillis();
    long age = time.milliseconds() - arrival;
    if (arrival < 0 || age <= retention.toMillis()) {
      return true;
    }
    String message =
        "The position of stream "
            + stream
            + " shard "
            + shard.split.shardId()
            + " to resume from ("
            + shard.position()
            + ", a record that arrived at "
            + Instant.ofEpochMilli(arrival)
            + ") is older than the stream's retention period of "
            + retention.toHours()
            + "h: the records after it may have been deleted.";
    if (settings.pastRetention() == PastRetentionPolicy.FAIL) {
      fail(
          new ShardlineException(
              message
                  + " Set restore.pastRetention: trim-horizon to restart this shard at its oldest"
                  + " record (accepting that records may be lost), or restore a newer"
                  + " checkpoint"));
      return false;
    }
    LOG.error(
        "{} restore.pastRetention is trim-horizon: restarting it at its oldest record; RECORDS"
            + " MAY HAVE BEEN LOST",
        message);
    shard.position(ShardPosition.trimHorizon());
    return true;
  }

  private void onRetention(String stream, StreamDescriptionSummary summary, Throwable error) {
    List<ShardReadState> waiting = awaitingRetention.remove(stream);
    if (error != null) {
      if (failsForGood("DescribeStreamSummary on stream " + stream, stream, error)) {
        return;
      }
      KinesisErrors.Kind kind = KinesisErrors.classify(error);
      if (kind == KinesisErrors.Kind.FATAL) {
        fail(
            new ShardlineException(
                "DescribeStreamSummary on stream "
                    + stream
                    + " failed: "
                    + KinesisErrors.describe(error),
                KinesisErrors.unwrap(error)));
        return;
      }
      // try again with the next due shard
      long now = time.nanoseconds();
      for (ShardReadState shard : waiting) {
        if (isCurrent(shard)) {
          retryLater(shard, now, settings.backoff().delay(0, random()));
        }
      }
      return;
    }
    retentionByStream.put(stream, Duration.ofHours(summary.retentionPeriodHours()));
    long now = time.nanoseconds();
    for (ShardReadState shard : waiting) {
      if (isCurrent(shard)) {
        makeDue(shard, now);
      }
    }
  }

  // ---------------------------------------------------------------- emitting

  private void emit(ReaderOutput<KinesisRecord<T>> output) {
    for (String ended = endedOutputs.poll(); ended != null; ended = endedOutputs.poll()) {
      output.releaseSplit(ended);
    }
    int budget = settings.maxRecordsPerPoll();
    int perTurn = Math.max(1, budget / Math.max(1, Math.min(buffered.size(), 16)));
    emitter.output = output;
    while (budget > 0 && !buffered.isEmpty() && failure == null) {
      ShardReadState shard = buffered.poll();
      // each shard's own output: its own watermark on Flink
      emitter.output = output.forSplit(shard.splitId);
      int n = 0;
      long values = 0;
      try {
        while (n < perTurn && budget > 0 && !shard.buffer.isEmpty()) {
          PendingRecord record = shard.buffer.peek();
          emitter.record = record;
          values += decoder.decode(record.data(), record, emitter);
          shard.emitted(record);
          shard.buffer.poll();
          n++;
          budget--;
        }
      } finally {
        // one meter update per turn, not per record (the registry may be a composite)
        shard.records.increment(values);
      }
      if (!shard.buffer.isEmpty()) {
        buffered.add(shard);
      } else if (shard.endOfShard) {
        shardEnded(shard);
      } else {
        queueDue(shard);
      }
    }
    emitter.output = null;
    emitter.record = null;
  }

  /**
   * Hands the decoded values of the record being emitted to the output, as {@link KinesisRecord}s;
   * one per reader, reused for every record (the decoder calls it before it returns).
   */
  private static final class Emitter<T> implements Consumer<T> {
    ReaderOutput<KinesisRecord<T>> output;
    PendingRecord record;

    @Override
    public void accept(T value) {
      PendingRecord r = record;
      KinesisShardSplit split = r.split();
      output.collect(
          new KinesisRecord<>(
              value,
              split.stream(),
              split.shardId(),
              r.partitionKey(),
              r.explicitHashKey(),
              r.sequenceNumber(),
              r.subSequenceNumber(),
              r.arrival()),
          r.arrival().toEpochMilli());
    }
  }

  private void shardEnded(ShardReadState shard) {
    shards.remove(shard.splitId);
    removeMeters(shard);
    KinesisShardSplit finished = shard.split.withPosition(shard.position()).asFinished();
    endedSplits.put(shard.splitId, new EndedSplit(finished));
    LOG.info("Reader {}: shard {} read to its end", context.readerIndex(), shard.splitId);
    context.sendEventToEnumerator(new ShardsEndedEvent(List.of(shard.splitId)));
    endedOutputs.add(shard.splitId);
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
    long at = next.dueNanos;
    if (wakeupFor == future && wakeupAtNanos <= at) {
      return;
    }
    wakeupFor = future;
    wakeupAtNanos = at;
    long delay = Math.max(0, at - time.nanoseconds());
    // completed on the JDK's delay-scheduler thread itself: the default executor hands the task on
    // to the common pool, which on a machine with 2 cores or fewer is a new thread per task
    CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, Runnable::run)
        .execute(() -> future.complete(null));
  }

  private void signal() {
    available.complete(null);
  }

  private boolean isCurrent(ShardReadState shard) {
    return !closed && shards.get(shard.splitId) == shard;
  }

  private void fail(RuntimeException error) {
    if (failure == null) {
      failure = error;
      LOG.error("Kinesis reader {} fails: {}", context.readerIndex(), error.getMessage());
    }
    signal();
  }

  // ---------------------------------------------------------------- metrics

  private void registerMeters(ShardReadState shard) {
    MetricTags tags = MetricTags.empty().source(sourceIdentity).split(shard.splitId);
    shard.records = counter(shard, MetricNames.SOURCE_RECORDS, tags, "User records emitted");
    shard.bytes = counter(shard, MetricNames.SOURCE_BYTES, tags, "Bytes of Kinesis records read");
    shard.throttled =
        counter(shard, KinesisMetricNames.THROTTLED_CALLS, tags, "Calls refused for a quota");
    shard.renewals =
        counter(shard, KinesisMetricNames.ITERATOR_RENEWALS, tags, "Expired iterators replaced");
    shard.calls = counter(shard, KinesisMetricNames.GET_RECORDS_CALLS, tags, "GetRecords calls");
    shard.meters.add(
        Gauge.builder(MetricNames.SOURCE_LAG_MILLIS, shard, s -> s.millisBehindLatest)
            .description("MillisBehindLatest of the last GetRecords answer")
            .tags(tags)
            .register(metrics));
  }

  private Counter counter(ShardReadState shard, String name, MetricTags tags, String description) {
    Counter counter = Counter.builder(name).description(description).tags(tags).register(metrics);
    shard.meters.add(counter);
    return counter;
  }

  private void removeMeters(ShardReadState shard) {
    for (Meter meter : shard.meters) {
      metrics.remove(meter);
    }
    shard.meters.clear();
  }

  /** A shard read to its end, kept in checkpoints until the enumerator surely knows. */
  private static final class EndedSplit {
    final KinesisShardSplit split;
    long firstSnapshot = -1;
    boolean finishedSent;
    long snapshotAfterSend = -1;

    EndedSplit(KinesisShardSplit split) {
      this.split = split;
    }
  }
}
