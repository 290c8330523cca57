package dev.shardline.kafka.source.enumerator;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.kafka.config.OffsetReset;
import dev.shardline.kafka.internal.ClusterProbe;
import dev.shardline.kafka.internal.ClusterWatch;
import dev.shardline.kafka.internal.KafkaErrors;
import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import dev.shardline.retry.Backoff;
import dev.shardline.retry.ServerReachability;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.time.Time;
import dev.shardline.util.Futures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a Kafka source's partitions and hands each to one reader, by index ({@link
 * PartitionAssigner}). Discovery (listing partitions and resolving their starting offsets) runs off
 * the enumerator thread through {@link SplitEnumeratorContext#callAsync}: once at start, then every
 * discovery interval, so partitions added to a topic (and topics matching a pattern) are picked up
 * while the pipeline runs. Partitions of the first listing start where {@link StartingOffsets}
 * says; partitions found later start at their earliest offset, so records written before they were
 * found are read too.
 *
 * <p>A bounded source ({@link StoppingOffsets} other than none) lists its partitions only once, at
 * its first start, and resolves their stopping offsets in that listing, into the splits (and so
 * into checkpoints). It never lists again, not even after a restore, so partitions and topics
 * created later are not read, as with Flink's bounded {@code KafkaSource}. Once every split is
 * assigned, each reader is told it gets no more splits, and ends when its splits are finished.
 *
 * <p>The first listing of every run (a fresh start or a restore) retries with backoff for up to the
 * startup timeout (brokers starting or unreachable), then fails the source with an error naming the
 * bootstrap servers; the first failed attempt is logged at WARN at once, with the cause a {@link
 * ClusterProbe} finds ({@code connection refused}). Later listings that fail without an answer
 * (timeouts, disconnections) are tried again at the next interval, the first of them logged at
 * WARN, and fail the source once they have failed for the unreachable timeout; other failures are
 * logged and tried again.
 *
 * <p>All methods run on the enumerator thread, except {@link #discover()}, which runs on {@code
 * callAsync} threads and reads only immutable or volatile fields.
 */
public final class KafkaSourceEnumerator
    implements SplitEnumerator<KafkaPartitionSplit, KafkaEnumeratorState> {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSourceEnumerator.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration FIRST_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
  private static final Backoff STARTUP_BACKOFF =
      new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), 0.2);

  private final SplitEnumeratorContext<KafkaPartitionSplit> context;
  private final Supplier<KafkaMetadataClient> clientFactory;
  private final TopicSelection topics;
  private final StartingOffsets startingOffsets;
  private final StoppingOffsets stoppingOffsets;
  private final Duration discoveryInterval;
  private final Duration startupTimeout;
  private final String bootstrapServers;
  private final Time time;
  private final ClusterProbe probe;
  // the first listing of a run, then the later ones
  private final ServerReachability reachability;
  private final ServerReachability runningReachability;

  // owned by the enumerator thread
  private final Set<TopicPartition> assigned = new HashSet<>();
  private final Map<TopicPartition, KafkaPartitionSplit> unassigned = new LinkedHashMap<>();
  // whether the source ever listed its partitions (then new ones start at earliest); checkpointed
  private boolean initialDiscoveryDone;
  // whether this run listed them (until then, failures count against the startup timeout)
  private boolean listedThisRun;
  private long startedNanos;
  // readers told that they get no more splits (bounded sources), this run
  private final Set<Integer> signalledNoMoreSplits = new HashSet<>();

  // read by discover() on callAsync threads
  private volatile Set<TopicPartition> knownSnapshot = Set.of();
  private volatile boolean initialDiscoveryDoneSnapshot;
  private volatile boolean listedThisRunSnapshot;
  private KafkaMetadataClient client;
  private boolean closed;

  /**
   * An enumerator of an unbounded source.
   *
   * @param restored the checkpointed state, or null on a fresh start
   */
  public KafkaSourceEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context,
      Supplier<KafkaMetadataClient> clientFactory,
      TopicSelection topics,
      StartingOffsets startingOffsets,
      Duration discoveryInterval,
      Duration startupTimeout,
      String bootstrapServers,
      KafkaEnumeratorState restored) {
    this(
        context,
        clientFactory,
        topics,
        startingOffsets,
        StoppingOffsets.none(),
        discoveryInterval,
        startupTimeout,
        bootstrapServers,
        restored);
  }

  /**
   * @param stoppingOffsets where a bounded source stops, or {@link StoppingOffsets#none()} for an
   *     unbounded one; a bounded source lists once and ignores {@code discoveryInterval}
   * @param restored the checkpointed state, or null on a fresh start
   */
  public KafkaSourceEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context,
      Supplier<KafkaMetadataClient> clientFactory,
      TopicSelection topics,
      StartingOffsets startingOffsets,
      StoppingOffsets stoppingOffsets,
      Duration discoveryInterval,
      Duration startupTimeout,
      String bootstrapServers,
      KafkaEnumeratorState restored) {
    this(
        context,
        clientFactory,
        topics,
        startingOffsets,
        stoppingOffsets,
        discoveryInterval,
        startupTimeout,
        ServerReachability.DEFAULT_LIMIT,
        bootstrapServers,
        () -> null,
        restored);
  }

  /**
   * @param stoppingOffsets where a bounded source stops, or {@link StoppingOffsets#none()} for an
   *     unbounded one; a bounded source lists once and ignores {@code discoveryInterval}
   * @param startupTimeout how long the first listing of a run may fail
   * @param unreachableTimeout how long later listings may fail without an answer
   * @param probe tells why the brokers cannot be reached, for the first WARN of an outage
   * @param restored the checkpointed state, or null on a fresh start
   */
  public KafkaSourceEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context,
      Supplier<KafkaMetadataClient> clientFactory,
      TopicSelection topics,
      StartingOffsets startingOffsets,
      StoppingOffsets stoppingOffsets,
      Duration discoveryInterval,
      Duration startupTimeout,
      Duration unreachableTimeout,
      String bootstrapServers,
      ClusterProbe probe,
      KafkaEnumeratorState restored) {
    this.context = checkNotNull(context, "context");
    this.probe = checkNotNull(probe, "probe");
    this.clientFactory = checkNotNull(clientFactory, "clientFactory");
    this.topics = checkNotNull(topics, "topics");
    this.startingOffsets = checkNotNull(startingOffsets, "startingOffsets");
    this.stoppingOffsets = checkNotNull(stoppingOffsets, "stoppingOffsets");
    this.discoveryInterval = checkNotNull(discoveryInterval, "discoveryInterval");
    this.startupTimeout = checkNotNull(startupTimeout, "startupTimeout");
    this.bootstrapServers = checkNotNull(bootstrapServers, "bootstrapServers");
    this.time = context.time();
    String check =
        "that the brokers are up and reachable, that bootstrapServers is right and that the"
            + " security properties match the cluster";
    this.reachability =
        new ServerReachability(
            ClusterWatch.server(bootstrapServers),
            startupTimeout,
            check,
            "option startupTimeout, at start",
            time);
    this.runningReachability =
        new ServerReachability(
            ClusterWatch.server(bootstrapServers),
            checkNotNull(unreachableTimeout, "unreachableTimeout"),
            check,
            "option unreachableTimeout",
            time);
    if (restored != null) {
      assigned.addAll(restored.assigned());
      restored.unassigned().forEach(s -> unassigned.put(s.topicPartition(), s));
      initialDiscoveryDone = restored.initialDiscoveryDone();
    }
    publishSnapshot();
  }

  @Override
  public void start() {
    startedNanos = time.nanoseconds();
    if (!stoppingOffsets.isBounded()) {
      context.callAsync(this::discover, this::onDiscovery, Duration.ZERO, discoveryInterval);
    } else if (!initialDiscoveryDone) {
      // once: a bounded source reads only the partitions of its first listing
      context.callAsync(this::discover, this::onDiscovery, Duration.ZERO, Duration.ZERO);
    }
  }

  @Override
  public void addReader(int readerId) {
    assignUnassigned();
    signalNoMoreSplits();
  }

  @Override
  public void addSplitsBack(List<KafkaPartitionSplit> splits, int readerId) {
    for (KafkaPartitionSplit split : splits) {
      assigned.remove(split.topicPartition());
      unassigned.put(split.topicPartition(), split);
    }
    // a reader that failed comes back as a new reader, to be told again
    signalledNoMoreSplits.remove(readerId);
    publishSnapshot();
    assignUnassigned();
    signalNoMoreSplits();
  }

  @Override
  public KafkaEnumeratorState snapshotState(long checkpointId) {
    return new KafkaEnumeratorState(
        assigned, new ArrayList<>(unassigned.values()), initialDiscoveryDone);
  }

  @Override
  public synchronized void close() {
    closed = true;
    reachability.stop();
    runningReachability.stop();
    if (client != null) {
      client.close();
    }
  }

  /**
   * What one discovery found: new partitions and their starting offsets, and for the first listing
   * of a bounded source their stopping offsets.
   */
  record Discovery(
      Map<TopicPartition, Long> newPartitions,
      Map<TopicPartition, Long> stoppingOffsets,
      boolean initial) {
    Discovery(Map<TopicPartition, Long> newPartitions, boolean initial) {
      this(newPartitions, Map.of(), initial);
    }
  }

  /**
   * Lists partitions and resolves the starting offsets of new ones; on callAsync threads. Until
   * this run listed them once, failures are retried with backoff for up to the startup timeout.
   */
  Discovery discover() throws Exception {
    boolean initial = !initialDiscoveryDoneSnapshot;
    if (listedThisRunSnapshot) {
      try {
        Discovery discovery = discoverOnce(initial, REQUEST_TIMEOUT);
        runningReachability.answered();
        return discovery;
      } catch (Exception e) {
        if (!mayRetry(e)) {
          throw e;
        }
        // a WARN at the first; once the listings failed for unreachableTimeout, the failure
        ServerUnreachableException unreachable = runningReachability.noAnswer(noAnswerCause(e));
        if (unreachable != null) {
          throw unreachable;
        }
        throw e;
      }
    }
    long deadline = startedNanos + startupTimeout.toNanos();
    Exception last;
    for (int attempt = 0; ; attempt++) {
      long remaining = deadline - time.nanoseconds();
      try {
        // short first attempts, so that a cluster that does not answer is reported within seconds
        long attemptNanos =
            Math.min(
                FIRST_ATTEMPT_TIMEOUT.toNanos() << Math.min(attempt, 8), REQUEST_TIMEOUT.toNanos());
        Duration timeout = Duration.ofNanos(Math.max(Math.min(remaining, attemptNanos), 1_000_000));
        Discovery discovery = discoverOnce(initial, timeout);
        reachability.answered();
        return discovery;
      } catch (Exception e) {
        if (!mayRetry(e)) {
          throw e;
        }
        last = e;
        reachability.noAnswer(noAnswerCause(e)); // a WARN at the first
      }
      remaining = deadline - time.nanoseconds();
      if (remaining <= 0) {
        throw new ShardlineException(
            "Cannot list the partitions of "
                + describeTopics()
                + " on the Kafka cluster at "
                + bootstrapServers
                + " within "
                + startupTimeout.toSeconds()
                + "s (startupTimeout): "
                + KafkaErrors.describe(Futures.unwrap(last))
                + ". Check that bootstrapServers is right, the brokers are up and reachable, and"
                + " the security properties match the cluster",
            last);
      }
      long delay = Math.min(STARTUP_BACKOFF.delay(attempt).toNanos(), remaining);
      LOG.debug(
          "Listing partitions of {} on {} failed, retrying: {}", topics, bootstrapServers, last);
      time.sleep(Math.max(1, delay / 1_000_000));
    }
  }

  /**
   * Why a listing got no answer: for the first failure of an outage (the one logged), what a probe
   * of the bootstrap servers finds ({@code connection refused}) if they cannot be reached, else
   * Kafka's error ({@code timed out waiting for a node assignment}).
   */
  private Throwable noAnswerCause(Exception e) {
    Throwable kafka = Futures.unwrap(e);
    if (reachability.inOutage() || runningReachability.inOutage()) {
      return kafka;
    }
    Throwable unreachable = probe.unreachableCause();
    return unreachable != null ? unreachable : kafka;
  }

  private static boolean mayRetry(Exception e) {
    // a MissingTopicsException is unrecoverable: not retried either
    return KafkaErrors.classify("Listing partitions", e) instanceof RetriableException;
  }

  private synchronized KafkaMetadataClient client() {
    if (closed) {
      throw new IllegalStateException("The enumerator of " + describeTopics() + " is closed");
    }
    if (client == null) {
      client = clientFactory.get();
    }
    return client;
  }

  private Discovery discoverOnce(boolean initial, Duration timeout) throws Exception {
    Set<TopicPartition> all = client().partitions(topics, timeout);
    Set<TopicPartition> known = knownSnapshot;
    List<TopicPartition> fresh = new ArrayList<>();
    for (TopicPartition partition : all) {
      if (!known.contains(partition)) {
        fresh.add(partition);
      }
    }
    Map<TopicPartition, Long> offsets = initial ? resolveStartingOffsets(fresh) : earliest(fresh);
    Map<TopicPartition, Long> stops =
        initial && stoppingOffsets.isBounded() ? resolveStoppingOffsets(fresh) : Map.of();
    return new Discovery(offsets, stops, initial);
  }

  private Map<TopicPartition, Long> resolveStoppingOffsets(Collection<TopicPartition> partitions)
      throws Exception {
    KafkaMetadataClient c = client();
    switch (stoppingOffsets.type()) {
      case LATEST:
        return require(partitions, c.latestOffsets(partitions, REQUEST_TIMEOUT), "end");
      case TIMESTAMP:
        return atTimestampOrEnd(partitions, stoppingOffsets.timestamp());
      default:
        throw new IllegalStateException("Unhandled stopping offsets " + stoppingOffsets.type());
    }
  }

  /**
   * The offset of each partition's first record at or after {@code timestamp}; its end offset when
   * it has none.
   */
  private Map<TopicPartition, Long> atTimestampOrEnd(
      Collection<TopicPartition> partitions, java.time.Instant timestamp) throws Exception {
    KafkaMetadataClient c = client();
    Map<TopicPartition, Long> offsets =
        new HashMap<>(c.offsetsForTimestamp(partitions, timestamp.toEpochMilli(), REQUEST_TIMEOUT));
    List<TopicPartition> none = new ArrayList<>(partitions);
    none.removeAll(offsets.keySet());
    offsets.putAll(require(none, c.latestOffsets(none, REQUEST_TIMEOUT), "end"));
    return offsets;
  }

  private Map<TopicPartition, Long> resolveStartingOffsets(Collection<TopicPartition> partitions)
      throws Exception {
    KafkaMetadataClient c = client();
    switch (startingOffsets.type()) {
      case EARLIEST:
        return earliest(partitions);
      case LATEST:
        return require(partitions, c.latestOffsets(partitions, REQUEST_TIMEOUT), "end");
      case TIMESTAMP:
        return atTimestampOrEnd(partitions, startingOffsets.timestamp());
      case COMMITTED:
        {
          Map<TopicPartition, Long> offsets =
              new HashMap<>(
                  c.committedOffsets(startingOffsets.groupId(), partitions, REQUEST_TIMEOUT));
          List<TopicPartition> none = new ArrayList<>(partitions);
          none.removeAll(offsets.keySet());
          if (startingOffsets.resetTo() == OffsetReset.EARLIEST) {
            offsets.putAll(earliest(none));
          } else {
            offsets.putAll(require(none, c.latestOffsets(none, REQUEST_TIMEOUT), "end"));
          }
          return offsets;
        }
      default:
        throw new IllegalStateException("Unhandled starting offsets " + startingOffsets.type());
    }
  }

  private static Map<TopicPartition, Long> earliest(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    partitions.forEach(p -> offsets.put(p, KafkaPartitionSplit.EARLIEST));
    return offsets;
  }

  private static Map<TopicPartition, Long> require(
      Collection<TopicPartition> partitions, Map<TopicPartition, Long> offsets, String what) {
    for (TopicPartition partition : partitions) {
      if (!offsets.containsKey(partition)) {
        throw new ShardlineException(
            "Kafka returned no " + what + " offset for partition " + partition);
      }
    }
    return offsets;
  }

  /** The handler of {@link #discover()}, on the enumerator thread. */
  void onDiscovery(Discovery discovery, Throwable error) {
    if (error != null) {
      if (!listedThisRun) {
        throw KafkaErrors.classify("Kafka source of " + describeTopics() + " cannot start", error);
      }
      ServerUnreachableException unreachable = ServerUnreachableException.findIn(error);
      if (unreachable != null) {
        throw unreachable;
      }
      if (runningReachability.inOutage()) {
        LOG.debug(
            "Listing the partitions of {} on {} failed again: {}",
            describeTopics(),
            bootstrapServers,
            KafkaErrors.describe(Futures.unwrap(error)));
        return;
      }
      LOG.warn(
          "Listing the partitions of {} on {} failed; trying again in {}: {}",
          describeTopics(),
          bootstrapServers,
          discoveryInterval,
          KafkaErrors.describe(Futures.unwrap(error)));
      return;
    }
    boolean wasInitial = !initialDiscoveryDone;
    Map<TopicPartition, Long> found = new TreeMap<>(ORDER);
    found.putAll(discovery.newPartitions());
    List<String> added = new ArrayList<>();
    boolean first = discovery.initial() && wasInitial;
    for (Map.Entry<TopicPartition, Long> e : found.entrySet()) {
      TopicPartition partition = e.getKey();
      if (assigned.contains(partition) || unassigned.containsKey(partition)) {
        continue;
      }
      if (stoppingOffsets.isBounded()) {
        if (!first) {
          // cannot happen (a bounded source lists once); partitions found later are not read
          continue;
        }
        Long stop = discovery.stoppingOffsets().get(partition);
        if (stop == null) {
          throw new IllegalStateException("No stopping offset resolved for " + partition);
        }
        unassigned.put(partition, KafkaPartitionSplit.of(partition, e.getValue(), stop));
        added.add(partition.toString());
        continue;
      }
      // a listing that began before the first one was handled resolved with the starting
      // strategy; a partition it found is new since the first listing and starts at earliest
      long offset = first ? e.getValue() : KafkaPartitionSplit.EARLIEST;
      unassigned.put(partition, KafkaPartitionSplit.of(partition, offset));
      added.add(partition.toString());
    }
    initialDiscoveryDone = true;
    listedThisRun = true;
    if (!added.isEmpty()) {
      if (wasInitial && stoppingOffsets.isBounded()) {
        LOG.info(
            "Kafka source of {}: {} partitions, bounded: reading up to {}",
            describeTopics(),
            added.size(),
            unassigned.values());
      } else if (wasInitial) {
        LOG.info("Kafka source of {}: {} partitions", describeTopics(), added.size());
      } else {
        LOG.info(
            "Kafka source of {}: found new partitions {}, reading them from the earliest offset",
            describeTopics(),
            added);
      }
    }
    publishSnapshot();
    assignUnassigned();
    signalNoMoreSplits();
  }

  /**
   * For a bounded source whose partitions are all known: tells each registered reader that owns no
   * split still waiting for it that it gets no more splits.
   */
  private void signalNoMoreSplits() {
    if (!stoppingOffsets.isBounded() || !initialDiscoveryDone) {
      return;
    }
    int parallelism = context.parallelism();
    Set<Integer> waiting = new HashSet<>();
    for (KafkaPartitionSplit split : unassigned.values()) {
      waiting.add(PartitionAssigner.ownerOf(split.topicPartition(), parallelism));
    }
    for (int reader : new java.util.TreeSet<>(context.registeredReaders())) {
      if (!waiting.contains(reader) && signalledNoMoreSplits.add(reader)) {
        context.signalNoMoreSplits(reader);
      }
    }
  }

  private void assignUnassigned() {
    if (unassigned.isEmpty()) {
      return;
    }
    Set<Integer> readers = context.registeredReaders();
    int parallelism = context.parallelism();
    Map<Integer, List<KafkaPartitionSplit>> assignment = new TreeMap<>();
    var it = unassigned.values().iterator();
    while (it.hasNext()) {
      KafkaPartitionSplit split = it.next();
      int owner = PartitionAssigner.ownerOf(split.topicPartition(), parallelism);
      if (readers.contains(owner)) {
        assignment.computeIfAbsent(owner, k -> new ArrayList<>()).add(split);
        assigned.add(split.topicPartition());
        it.remove();
      }
    }
    if (!assignment.isEmpty()) {
      context.assignSplits(new HashMap<>(assignment));
    }
  }

  private void publishSnapshot() {
    Set<TopicPartition> known = new HashSet<>(assigned);
    known.addAll(unassigned.keySet());
    knownSnapshot = Set.copyOf(known);
    initialDiscoveryDoneSnapshot = initialDiscoveryDone;
    listedThisRunSnapshot = listedThisRun;
  }

  private String describeTopics() {
    return topics.isPattern() ? "topics matching " + topics : "topics " + topics;
  }

  private static final java.util.Comparator<TopicPartition> ORDER =
      java.util.Comparator.comparing(TopicPartition::topic)
          .thenComparingInt(TopicPartition::partition);
}
