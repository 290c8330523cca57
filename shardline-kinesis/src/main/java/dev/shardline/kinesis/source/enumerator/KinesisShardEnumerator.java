package dev.shardline.kinesis.source.enumerator;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.SourceEvent;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.config.Configuration;
import dev.shardline.kinesis.KinesisThrottledException;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.config.KinesisSourceOptions.StartupPositionType;
import dev.shardline.kinesis.internal.KinesisErrors;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.kinesis.source.enumerator.KinesisEnumeratorState.StreamState;
import dev.shardline.kinesis.source.enumerator.KinesisEnumeratorState.TrackedShard;
import dev.shardline.kinesis.source.fanout.StreamConsumers;
import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.kinesis.source.split.KinesisShardSplit;
import dev.shardline.kinesis.source.split.ShardPosition;
import dev.shardline.kinesis.source.split.ShardsEndedEvent;
import dev.shardline.kinesis.source.split.ShardsFinishedEvent;
import dev.shardline.retry.Backoff;
import dev.shardline.retry.RetryExecutor;
import dev.shardline.retry.RetryPolicy;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.util.Futures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Discovers the shards of the source's streams with ListShards and hands them to readers, keeping
 * per-key order across resharding: a shard is assigned only when each of its parents is either
 * finished (read to its end, and held as finished by a completed checkpoint, so its records are
 * flushed to the sinks) or ended on the very reader the shard goes to (that reader has handed the
 * parent's records downstream on its own thread before it reads the child). A parent that is
 * neither tracked nor newer than the last listing was finished earlier or never needed reading.
 *
 * <p>Discovery lists every shard the first time (the starting position decides where each starts),
 * then only shards after the last one listed (ShardFilter AFTER_SHARD_ID; servers that ignore the
 * filter are handled too), every {@code discovery.interval}, and at once when a reader reports a
 * shard ended. Shards found after the first listing are read from TRIM_HORIZON: they hold only
 * records newer than the start.
 *
 * <p>With {@code reader.type fan-out} it also owns the stream consumers' lifecycle ({@link
 * StreamConsumers}): at {@link #start()} it registers a managed consumer that is missing (or checks
 * that a user's exists) and waits until it is ACTIVE, off its thread, failing the source when that
 * cannot be; at {@link #notifyPipelineEnded()} (the pipeline finished or was stopped, never before
 * a restart) it deregisters a managed one. Readers get the consumer's ARN themselves.
 *
 * <p>All methods run on the enumerator's thread; ListShards runs through {@link
 * SplitEnumeratorContext#callAsync}.
 */
public final class KinesisShardEnumerator
    implements SplitEnumerator<KinesisShardSplit, KinesisEnumeratorState> {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisShardEnumerator.class);
  private static final Comparator<String> SHARD_ORDER =
      Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());
  private static final int MAX_RECENT_READERS = 10_000;
  private static final int MAX_FAILED_DISCOVERIES = 3;

  private enum Status {
    PENDING,
    ASSIGNED,
    ENDED
  }

  private static final class Tracked {
    KinesisShardSplit split;
    Status status;
    int reader;

    Tracked(KinesisShardSplit split, Status status, int reader) {
      this.split = split;
      this.status = status;
      this.reader = reader;
    }
  }

  private static final class StreamTracker {
    final String stream;
    String lastListedShardId;
    final Map<String, Tracked> shards = new LinkedHashMap<>();

    StreamTracker(String stream) {
      this.stream = stream;
    }
  }

  private record Discovery(Map<String, List<Shard>> shardsByStream) {}

  private final SplitEnumeratorContext<KinesisShardSplit> context;
  private final Configuration config;
  private final StartingPosition startingPosition;
  private final ShardAssigner assigner;
  private final Function<Configuration, KinesisProxy> proxyFactory;
  private final Duration discoveryInterval;
  private final Map<String, StreamTracker> trackers = new LinkedHashMap<>();
  private final Map<String, Integer> recentReaders =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > MAX_RECENT_READERS;
        }
      };
  private volatile Map<String, String> listFrom = Map.of();
  private KinesisProxy proxy;
  private StreamConsumers consumers; // with reader.type fan-out
  private RetryExecutor retry;
  private boolean discoveredOnce;
  private boolean extraDiscoveryPending;
  private int failedDiscoveries;
  private Instant startedAt;

  /**
   * An enumerator.
   *
   * @param config the source's validated configuration
   * @param state the restored state, or null for a fresh start
   * @param proxyFactory creates the proxy at {@link #start()}
   */
  public KinesisShardEnumerator(
      SplitEnumeratorContext<KinesisShardSplit> context,
      Configuration config,
      KinesisEnumeratorState state,
      ShardAssigner assigner,
      Function<Configuration, KinesisProxy> proxyFactory) {
    this.context = checkNotNull(context, "context");
    this.config = checkNotNull(config, "config");
    this.assigner = checkNotNull(assigner, "assigner");
    this.proxyFactory = checkNotNull(proxyFactory, "proxyFactory");
    this.startingPosition = StartingPosition.fromConfiguration(config);
    this.discoveryInterval = config.get(KinesisSourceOptions.DISCOVERY_INTERVAL);
    for (String stream : config.get(KinesisSourceOptions.STREAMS)) {
      trackers.put(stream, new StreamTracker(stream));
    }
    if (state != null) {
      restore(state);
    }
    publishListFrom();
  }

  private void restore(KinesisEnumeratorState state) {
    for (StreamState stream : state.streams()) {
      StreamTracker tracker = trackers.get(stream.stream());
      if (tracker == null) {
        LOG.warn(
            "The checkpoint holds stream {}, which this source no longer reads; its shards are"
                + " dropped",
            stream.stream());
        continue;
      }
      tracker.lastListedShardId = stream.lastListedShardId();
      for (TrackedShard shard : stream.shards()) {
        Status status = shard.reader() < 0 ? Status.PENDING : Status.ASSIGNED;
        tracker.shards.put(
            shard.split().shardId(), new Tracked(shard.split(), status, shard.reader()));
      }
      discoveredOnce |= stream.lastListedShardId() != null;
    }
  }

  @Override
  public void start() {
    startedAt = Instant.ofEpochMilli(context.time().milliseconds());
    proxy = proxyFactory.apply(config);
    retry =
        new RetryExecutor(
            RetryPolicy.builder()
                .backoff(
                    new Backoff(
                        config.get(KinesisSourceOptions.RETRY_BACKOFF_INITIAL),
                        2.0,
                        config.get(KinesisSourceOptions.RETRY_BACKOFF_MAX),
                        0.5))
                .maxAttempts(config.get(KinesisSourceOptions.RETRY_MAX_ATTEMPTS))
                .build(),
            context.time());
    context.callAsync(this::discover, this::onDiscovery, Duration.ZERO, discoveryInterval);
    if (config.get(KinesisSourceOptions.READER_TYPE) == KinesisSourceOptions.ReaderType.FAN_OUT) {
      startConsumers();
    }
  }

  // ---------------------------------------------------------------- fan-out stream consumers

  private void startConsumers() {
    consumers = StreamConsumers.create(proxy, config, StreamConsumers.Role.ENUMERATOR);
    Map<String, CompletableFuture<String>> arns = new LinkedHashMap<>();
    for (String stream : trackers.keySet()) {
      arns.put(stream, consumers.activeConsumerArn(stream));
    }
    // StreamConsumers never blocks; this waits on a callAsync thread only to hand the outcome
    // back to this thread, where a failure fails the source
    context.callAsync(
        () -> {
          CompletableFuture.allOf(arns.values().toArray(CompletableFuture[]::new)).get();
          Map<String, String> done = new LinkedHashMap<>();
          arns.forEach((stream, arn) -> done.put(stream, arn.join()));
          return done;
        },
        this::onConsumersActive,
        Duration.ZERO,
        Duration.ZERO);
  }

  private void onConsumersActive(Map<String, String> arns, Throwable error) {
    if (consumers == null) {
      return; // closed meanwhile
    }
    if (error == null) {
      LOG.info("Fan-out stream consumer(s) ACTIVE: {}", arns);
      return;
    }
    Throwable cause = Futures.unwrap(error);
    if (cause instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw new ShardlineException(
        "Waiting for the fan-out stream consumer(s) failed: " + KinesisErrors.describe(cause),
        cause);
  }

  /**
   * Deregisters managed stream consumers: the pipeline ended for good. Waits for the calls at most
   * {@code reader.fanOut.registrationTimeout} (with backoff on throttling); a failure is logged.
   */
  @Override
  public void notifyPipelineEnded() {
    if (consumers == null || !consumers.managed()) {
      return;
    }
    Duration timeout = config.get(KinesisSourceOptions.FAN_OUT_REGISTRATION_TIMEOUT);
    Map<String, CompletableFuture<Void>> calls = new LinkedHashMap<>();
    trackers.keySet().forEach(stream -> calls.put(stream, consumers.deregister(stream)));
    try {
      // each call gives up by itself after the timeout; the extra second covers its last request
      CompletableFuture.allOf(calls.values().toArray(CompletableFuture[]::new))
          .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // told per stream below
    }
    calls.forEach(
        (stream, call) -> {
          if (!call.isDone() || call.isCompletedExceptionally()) {
            Throwable cause =
                call.isDone()
                    ? call.handle((ok, error) -> error).join()
                    : new TimeoutException("no answer within " + timeout);
            LOG.warn(
                "Could not deregister the stream consumer {} of stream {}: {}. Deregister it"
                    + " yourself (aws kinesis deregister-stream-consumer) if it is not needed",
                config.get(KinesisSourceOptions.FAN_OUT_CONSUMER_NAME),
                stream,
                KinesisErrors.describeAnswer(cause));
          }
        });
  }

  @Override
  public void addReader(int readerId) {
    // a reader that registers again restarted: what it had ended it will end again
    revertEnded(readerId);
    assignPending();
  }

  @Override
  public void addSplitsBack(List<KinesisShardSplit> splits, int readerId) {
    for (KinesisShardSplit split : splits) {
      StreamTracker tracker = trackers.get(split.stream());
      if (tracker == null) {
        continue;
      }
      if (split.finished()) {
        finish(tracker, split.shardId(), readerId);
      } else {
        tracker.shards.put(split.shardId(), new Tracked(pinLatest(split), Status.PENDING, -1));
      }
    }
    revertEnded(readerId);
    assignPending();
  }

  @Override
  public void handleSourceEvent(int readerId, SourceEvent event) {
    if (event instanceof ShardsEndedEvent ended) {
      for (String splitId : ended.splitIds()) {
        Tracked tracked = find(splitId);
        if (tracked != null && tracked.status == Status.ASSIGNED && tracked.reader == readerId) {
          tracked.status = Status.ENDED;
        }
      }
      discoverSoon();
      assignPending();
    } else if (event instanceof ShardsFinishedEvent finished) {
      for (String splitId : finished.splitIds()) {
        int slash = splitId.indexOf('/');
        StreamTracker tracker = trackers.get(splitId.substring(0, slash));
        if (tracker != null) {
          finish(tracker, splitId.substring(slash + 1), readerId);
        }
      }
      assignPending();
    } else {
      LOG.warn("Ignoring an unknown event from reader {}: {}", readerId, event);
    }
  }

  @Override
  public KinesisEnumeratorState snapshotState(long checkpointId) {
    List<StreamState> streams = new ArrayList<>(trackers.size());
    for (StreamTracker tracker : trackers.values()) {
      List<TrackedShard> shards = new ArrayList<>(tracker.shards.size());
      for (Tracked tracked : tracker.shards.values()) {
        shards.add(
            new TrackedShard(
                pinLatest(tracked.split), tracked.status == Status.PENDING ? -1 : tracked.reader));
      }
      streams.add(new StreamState(tracker.stream, tracker.lastListedShardId, shards));
    }
    return new KinesisEnumeratorState(streams);
  }

  /**
   * A split at LATEST as it may be handed out again: pinned to the source's start ({@link
   * ShardPosition#latestPinnedAt}). LATEST is only right for the first assignment, read at once; a
   * split that comes back from a failed reader or out of a checkpoint would otherwise skip every
   * record written since the start.
   */
  private KinesisShardSplit pinLatest(KinesisShardSplit split) {
    return split.position().kind() == ShardPosition.Kind.LATEST && startedAt != null
        ? split.withPosition(ShardPosition.latestPinnedAt(startedAt))
        : split;
  }

  @Override
  public void close() {
    if (consumers != null) {
      consumers.close();
      consumers = null;
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  /** How many shards are tracked (waiting or being read), for tests and diagnostics. */
  public int trackedShardCount() {
    return trackers.values().stream().mapToInt(t -> t.shards.size()).sum();
  }

  // ---------------------------------------------------------------- discovery

  /** Off the enumerator thread: lists every stream's new shards. */
  private Discovery discover() {
    Map<String, String> from = listFrom;
    Map<String, List<Shard>> result = new LinkedHashMap<>();
    for (String stream : trackers.keySet()) {
      List<Shard> shards = new ArrayList<>();
      String token = null;
      do {
        String pageToken = token;
        ListShardsResponse page =
            retry.call(
                "ListShards on stream " + stream,
                () -> join(proxy.listShards(stream, from.get(stream), pageToken)));
        shards.addAll(page.shards());
        token = page.nextToken();
      } while (token != null);
      result.put(stream, shards);
    }
    return new Discovery(result);
  }

  private static ListShardsResponse join(
      java.util.concurrent.CompletableFuture<ListShardsResponse> call) {
    try {
      return call.join();
    } catch (RuntimeException e) {
      Throwable cause = Futures.unwrap(e);
      ShardlineException classified = KinesisErrors.classify(cause);
      if (classified instanceof ServerUnreachableException unreachable) {
        throw unreachable; // not retried: the outage outlasted unreachableTimeout
      }
      if (classified instanceof RetriableException) {
        throw new RetriableException(KinesisErrors.describe(cause), cause);
      }
      throw new ShardlineException(KinesisErrors.describe(cause), cause);
    }
  }

  private void discoverSoon() {
    if (!extraDiscoveryPending && discoveredOnce) {
      extraDiscoveryPending = true;
      context.callAsync(
          this::discover,
          (result, error) -> {
            extraDiscoveryPending = false;
            onDiscovery(result, error);
          },
          Duration.ZERO,
          Duration.ZERO);
    }
  }

  private void onDiscovery(Discovery discovery, Throwable error) {
    if (error != null) {
      onDiscoveryFailure(error);
      return;
    }
    failedDiscoveries = 0;
    for (Map.Entry<String, List<Shard>> e : discovery.shardsByStream().entrySet()) {
      addListedShards(trackers.get(e.getKey()), e.getValue());
    }
    discoveredOnce = true;
    publishListFrom();
    assignPending();
  }

  private void onDiscoveryFailure(Throwable error) {
    Throwable cause = Futures.unwrap(error);
    Throwable root = KinesisErrors.sdkCause(error);
    String streams = String.join(", ", trackers.keySet());
    ServerUnreachableException unreachable = ServerUnreachableException.findIn(error);
    if (unreachable != null) {
      throw unreachable;
    }
    ShardlineException classified = KinesisErrors.classify(root);
    UnrecoverableException unrecoverable =
        KinesisErrors.unrecoverable(
            classified, "ListShards", streams, AwsRegion.fromConfiguration(config).describe());
    if (unrecoverable != null) {
      throw unrecoverable;
    }
    if (classified instanceof KinesisThrottledException) {
      LOG.warn("ListShards on {} is throttled; trying again later", streams);
      return;
    }
    if (!(classified instanceof RetriableException)
        || !discoveredOnce
        || ++failedDiscoveries >= MAX_FAILED_DISCOVERIES) {
      throw new ShardlineException(
          "Cannot list the shards of stream(s) "
              + streams
              + ": "
              + KinesisErrors.describe(cause)
              + ". Check awsRegion, awsCredentials and that Kinesis is reachable",
          cause);
    }
    LOG.warn(
        "Listing the shards of {} failed ({} of {} in a row allowed): {}",
        streams,
        failedDiscoveries,
        MAX_FAILED_DISCOVERIES,
        KinesisErrors.describe(cause));
  }

  private void addListedShards(StreamTracker tracker, List<Shard> listed) {
    List<Shard> sorted = new ArrayList<>(listed);
    sorted.sort(Comparator.comparing(Shard::shardId, SHARD_ORDER));
    boolean first = tracker.lastListedShardId == null;
    Set<String> skipped = first ? ancestorsOfGivenShards(tracker.stream, sorted) : Set.of();
    String highest = tracker.lastListedShardId;
    int added = 0;
    for (Shard shard : sorted) {
      String id = shard.shardId();
      if (highest == null || SHARD_ORDER.compare(id, highest) > 0) {
        highest = id;
      }
      boolean old =
          tracker.lastListedShardId != null
              && SHARD_ORDER.compare(id, tracker.lastListedShardId) <= 0;
      if (old || tracker.shards.containsKey(id)) {
        continue;
      }
      Optional<ShardPosition> position;
      if (!first) {
        position = Optional.of(ShardPosition.trimHorizon());
      } else if (skipped.contains(id)) {
        position = Optional.empty();
      } else {
        boolean closed =
            shard.sequenceNumberRange() != null
                && shard.sequenceNumberRange().endingSequenceNumber() != null;
        position = startingPosition.initialPosition(tracker.stream, id, closed);
      }
      if (position.isEmpty()) {
        LOG.debug("Not reading {}/{}: before the starting position", tracker.stream, id);
        continue;
      }
      List<String> parents = new ArrayList<>(2);
      if (shard.parentShardId() != null) {
        parents.add(shard.parentShardId());
      }
      if (shard.adjacentParentShardId() != null) {
        parents.add(shard.adjacentParentShardId());
      }
      KinesisShardSplit split =
          new KinesisShardSplit(
              tracker.stream,
              id,
              parents,
              shard.hashKeyRange().startingHashKey(),
              shard.hashKeyRange().endingHashKey(),
              position.get(),
              false);
      tracker.shards.put(id, new Tracked(split, Status.PENDING, -1));
      added++;
    }
    tracker.lastListedShardId = highest;
    if (added > 0) {
      LOG.info("Discovered {} new shard(s) of stream {}", added, tracker.stream);
    }
  }

  /** With a sequence-number start: the ancestors of the shards given a sequence number. */
  private Set<String> ancestorsOfGivenShards(String stream, List<Shard> shards) {
    if (startingPosition.type() != StartupPositionType.SEQUENCE_NUMBER) {
      return Set.of();
    }
    Map<String, Shard> byId = new HashMap<>();
    shards.forEach(s -> byId.put(s.shardId(), s));
    Set<String> ancestors = new HashSet<>();
    ArrayDeque<String> todo = new ArrayDeque<>();
    for (Shard shard : shards) {
      if (startingPosition.sequenceNumberOf(stream, shard.shardId()).isPresent()) {
        todo.add(shard.shardId());
      }
    }
    while (!todo.isEmpty()) {
      Shard shard = byId.get(todo.poll());
      if (shard == null) {
        continue;
      }
      for (String parent : new String[] {shard.parentShardId(), shard.adjacentParentShardId()}) {
        if (parent != null && ancestors.add(parent)) {
          todo.add(parent);
        }
      }
    }
    return ancestors;
  }

  private void publishListFrom() {
    Map<String, String> from = new HashMap<>();
    for (StreamTracker tracker : trackers.values()) {
      if (tracker.lastListedShardId != null) {
        from.put(tracker.stream, tracker.lastListedShardId);
      }
    }
    listFrom = Map.copyOf(from);
  }

  // ---------------------------------------------------------------- assignment

  private void assignPending() {
    Set<Integer> registered = context.registeredReaders();
    if (registered.isEmpty() || !discoveredOnce) {
      return;
    }
    Map<Integer, Integer> counts = new TreeMap<>();
    registered.forEach(r -> counts.put(r, 0));
    for (StreamTracker tracker : trackers.values()) {
      for (Tracked t : tracker.shards.values()) {
        if (t.status != Status.PENDING) {
          counts.merge(t.reader, 1, Integer::sum);
        }
      }
    }
    ShardAssigner.Context assignerContext =
        new ShardAssigner.Context() {
          @Override
          public int parallelism() {
            return context.parallelism();
          }

          @Override
          public Set<Integer> registeredReaders() {
            return registered;
          }

          @Override
          public Map<Integer, Integer> shardCounts() {
            return counts;
          }
        };
    Map<Integer, List<KinesisShardSplit>> assignment = new TreeMap<>();
    for (StreamTracker tracker : trackers.values()) {
      for (Tracked t : tracker.shards.values()) {
        if (t.status != Status.PENDING) {
          continue;
        }
        Integer target = readerImposedByParents(tracker, t.split);
        if (target == null) {
          continue;
        }
        if (target < 0) {
          target = preferredReader(t.split, registered);
          if (target == null) {
            target = assigner.assign(t.split, assignerContext);
          }
        } else if (!registered.contains(target)) {
          continue;
        }
        t.status = Status.ASSIGNED;
        t.reader = target;
        counts.merge(target, 1, Integer::sum);
        assignment.computeIfAbsent(target, r -> new ArrayList<>()).add(t.split);
      }
    }
    if (!assignment.isEmpty()) {
      assignment.forEach(
          (reader, splits) ->
              LOG.info(
                  "Assigning {} to reader {}",
                  splits.stream().map(KinesisShardSplit::splitId).toList(),
                  reader));
      context.assignSplits(assignment);
    }
  }

  /**
   * Null when the shard must wait for a parent; the reader of its ended parents when they impose
   * one; -1 when it may go to any reader.
   */
  private static Integer readerImposedByParents(StreamTracker tracker, KinesisShardSplit split) {
    int imposed = -1;
    for (String parentId : split.parentShardIds()) {
      Tracked parent = tracker.shards.get(parentId);
      if (parent == null) {
        continue; // finished and checkpointed, or never to be read
      }
      if (parent.status != Status.ENDED) {
        return null;
      }
      if (imposed >= 0 && imposed != parent.reader) {
        return null; // ended on two readers: wait for one to be finished and checkpointed
      }
      imposed = parent.reader;
    }
    return imposed;
  }

  private Integer preferredReader(KinesisShardSplit split, Set<Integer> registered) {
    for (String parentId : split.parentShardIds()) {
      Integer reader = recentReaders.get(KinesisShardSplit.splitId(split.stream(), parentId));
      if (reader != null && registered.contains(reader)) {
        return reader;
      }
    }
    return null;
  }

  private void finish(StreamTracker tracker, String shardId, int readerId) {
    Tracked removed = tracker.shards.remove(shardId);
    recentReaders.put(KinesisShardSplit.splitId(tracker.stream, shardId), readerId);
    if (removed != null) {
      LOG.debug("Shard {}/{} finished on reader {}", tracker.stream, shardId, readerId);
    }
  }

  private void revertEnded(int readerId) {
    for (StreamTracker tracker : trackers.values()) {
      for (Tracked t : tracker.shards.values()) {
        if (t.status == Status.ENDED && t.reader == readerId) {
          t.status = Status.ASSIGNED;
        }
      }
    }
  }

  private Tracked find(String splitId) {
    int slash = splitId.indexOf('/');
    if (slash < 0) {
      return null;
    }
    StreamTracker tracker = trackers.get(splitId.substring(0, slash));
    return tracker == null ? null : tracker.shards.get(splitId.substring(slash + 1));
  }
}
