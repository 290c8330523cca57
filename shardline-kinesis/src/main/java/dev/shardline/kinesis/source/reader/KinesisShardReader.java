package dev.shardline.kinesis.source.reader;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.config.Configuration;
import dev.shardline.format.RecordDecoder;
import dev.shardline.kinesis.aggregation.HashKey;
import dev.shardline.kinesis.aggregation.RecordDeaggregator;
import dev.shardline.kinesis.aggregation.UserRecord;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.config.KinesisSourceOptions.ReaderType;
import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.fanout.StreamConsumers;
import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.kinesis.source.reader.ShardReadState.PendingRecord;
import dev.shardline.kinesis.source.reader.ShardReadState.Phase;
import dev.shardline.kinesis.source.split.KinesisShardSplit;
import dev.shardline.kinesis.source.split.ShardPosition;
import dev.shardline.kinesis.source.split.ShardsEndedEvent;
import dev.shardline.kinesis.source.split.ShardsFinishedEvent;
import dev.shardline.metrics.MetricNames;
import dev.shardline.metrics.MetricTags;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Reads the shards one worker owns: one core of buffering, emitting, resharding order and
 * checkpoints, with the fetching behind a {@link ShardFetcher}: {@link PollingShardFetcher}
 * (GetRecords) or {@link FanOutShardFetcher} (SubscribeToShard), as {@code reader.type} says, both
 * through a {@link KinesisProxy}. {@link #pollNext} never blocks: what the fetcher's calls complete
 * on other threads is queued and applied on the worker's thread inside {@code pollNext}.
 *
 * <p>Per shard, one fetched batch at a time is buffered, and the next one fetched only once it has
 * been emitted. Across shards, records are emitted round-robin, so a busy shard cannot starve the
 * others. Each shard's records go through its own split output, released when the shard ends.
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
  private final ShardFetcher fetcher;
  private final RecordDecoder<T> decoder;
  private final String sourceIdentity;
  private final Time time;
  private final MeterRegistry metrics;
  private final Counter aggregatesDropped;
  private final Counter aggregatedRecordsDropped;
  private final MessageDigest md5 = HashKey.newMd5();

  private final Map<String, ShardReadState> shards = new LinkedHashMap<>();
  private final Map<String, EndedSplit> endedSplits = new LinkedHashMap<>();
  private final ArrayDeque<ShardReadState> buffered = new ArrayDeque<>();
  // shards ended since the last emit: their outputs (watermarks on Flink) are released at the next
  private final ArrayDeque<String> endedOutputs = new ArrayDeque<>();
  private final Queue<Runnable> completions = new ConcurrentLinkedQueue<>();
  private final Emitter<T> emitter = new Emitter<>();
  private volatile CompletableFuture<Void> available = new CompletableFuture<>();
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
    checkNotNull(config, "config");
    this.settings = ReaderSettings.from(config);
    this.decoder = checkNotNull(decoder, "decoder");
    this.sourceIdentity = checkNotNull(sourceIdentity, "sourceIdentity");
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
    checkNotNull(proxyFactory, "proxyFactory");
    String region = AwsRegion.fromConfiguration(config).describe();
    this.fetcher =
        config.get(KinesisSourceOptions.READER_TYPE) == ReaderType.FAN_OUT
            ? new FanOutShardFetcher(
                new Batches(),
                settings,
                config,
                proxyFactory,
                proxy -> StreamConsumers.create(proxy, config, StreamConsumers.Role.READER),
                time,
                region)
            : new PollingShardFetcher(new Batches(), settings, config, proxyFactory, time, region);
  }

  @Override
  public void start() {
    fetcher.start();
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
      fetcher.add(shard);
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
    fetcher.fetch();
    emit(output);
    fetcher.fetch();
    if (failure != null) {
      throw failure;
    }
    if (!buffered.isEmpty() || !completions.isEmpty() || fetcher.readyNow()) {
      return InputStatus.MORE_AVAILABLE;
    }
    if (noMoreSplits && shards.isEmpty()) {
      return InputStatus.END_OF_INPUT;
    }
    return InputStatus.NOTHING_AVAILABLE;
  }

  @Override
  public CompletableFuture<Void> isAvailable() {
    if (failure != null || !buffered.isEmpty() || !completions.isEmpty() || fetcher.readyNow()) {
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
    fetcher.wakeUpWhenDue(future);
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
    fetcher.close();
  }

  /** The splits this reader reads now, for tests and diagnostics. */
  public List<String> activeSplitIds() {
    return List.copyOf(shards.keySet());
  }

  // ---------------------------------------------------------------- fetched batches

  /** The reader's side of its fetcher: buffers the batches it delivers, on the reader's thread. */
  private final class Batches implements ShardFetcher.Batches {
    @Override
    public long buffer(ShardReadState shard, List<Record> records) {
      long bytes = 0;
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
        // not for an empty answer: an idle shard's only meter update would be this +0, which on a
        // composite registry walks every registry (2% of an idle reader's samples on 500 shards)
        shard.bytes.increment(bytes);
      }
      return bytes;
    }

    @Override
    public void delivered(ShardReadState shard, boolean endOfShard, long millisBehindLatest) {
      shard.millisBehindLatest = millisBehindLatest;
      shard.endOfShard = endOfShard;
      if (!shard.buffer.isEmpty()) {
        shard.phase = Phase.BUFFERED;
        buffered.add(shard);
      } else if (shard.endOfShard) {
        shardEnded(shard);
      } else {
        fetcher.fetchNext(shard);
      }
    }

    @Override
    public boolean isCurrent(ShardReadState shard) {
      return !closed && shards.get(shard.splitId) == shard;
    }

    @Override
    public void fail(RuntimeException error) {
      KinesisShardReader.this.fail(error);
    }

    @Override
    public boolean failed() {
      return failure != null;
    }

    @Override
    public void onReaderThread(Runnable action) {
      completions.add(action);
      available.complete(null);
    }
  }

  private void applyCompletions() {
    Runnable completion;
    while ((completion = completions.poll()) != null && failure == null) {
      completion.run();
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
        fetcher.fetchNext(shard);
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

  // ---------------------------------------------------------------- state

  private void signal() {
    available.complete(null);
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
    shard.meters.addAll(fetcher.registerMeters(shard, tags, metrics));
    shard.meters.add(
        Gauge.builder(MetricNames.SOURCE_LAG_MILLIS, shard, s -> s.millisBehindLatest)
            .description("MillisBehindLatest of the last GetRecords answer or fan-out event")
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
