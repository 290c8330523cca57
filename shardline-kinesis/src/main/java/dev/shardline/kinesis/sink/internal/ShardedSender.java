package dev.shardline.kinesis.sink.internal;

import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.kinesis.KinesisAccessDeniedException;
import dev.shardline.kinesis.KinesisError;
import dev.shardline.kinesis.KinesisStreamNotFoundException;
import dev.shardline.kinesis.KinesisTransientException;
import dev.shardline.kinesis.aggregation.HashKey;
import dev.shardline.kinesis.aggregation.RecordDeaggregator;
import dev.shardline.kinesis.aggregation.UserRecord;
import dev.shardline.kinesis.internal.KinesisErrors;
import dev.shardline.kinesis.sink.KinesisSinkException;
import dev.shardline.retry.InterruptException;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.time.Time;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The Kinesis sink's buffering and sending, per predicted shard, keeping each partition key's
 * records in order whatever fails. Single-threaded: every method runs on the thread that owns the
 * writer's state; SDK futures only hand their results back through {@code handBack}, which must run
 * them on that owner later (never inline).
 *
 * <p>How order holds: each record goes to the queue of the shard its hash key falls in (MD5 of the
 * partition key, or the explicit hash key, against the open shards' ranges). A shard has at most
 * one PutRecords in flight, and a request holds at most one Kinesis record per partition key and
 * shard (an aggregate counts with every key inside it), so one key never has two records whose
 * fates differ in flight. Records a response refuses go back to the head of their queue, before
 * every later record of the shard. When the shard map changes, sending pauses until nothing is in
 * flight, then every held record is predicted again, queue by queue in order.
 *
 * <p>When a shard sends: it is not in flight, not backing off after a failure, its adaptive rate
 * allows it ({@link ShardRate}), and it is due: it holds flush.maxRecords records or flush.maxBytes
 * bytes, its oldest record is flush.maxAge old, a flush is under way, or the writer is full. A
 * request starts with due shards and fills up with other ready ones, up to flush.maxRecords records
 * and flush.maxBytes bytes; up to maxInFlightRequests requests go in parallel.
 */
public final class ShardedSender {
  private static final Logger LOG = LoggerFactory.getLogger(ShardedSender.class);

  /** How many entries of one queue a request looks at past keys it already holds. */
  private static final int SCAN_FACTOR = 4;

  private static final String THROTTLED = "ProvisionedThroughputExceededException";

  private final KinesisSinkClient client;
  private final SenderSettings settings;
  private final Time time;
  private final SinkMetrics metrics;
  private final Executor handBack;
  private final Duration listTimeout;
  private final MessageDigest md5 = HashKey.newMd5();
  private final Map<String, StreamState> streams = new LinkedHashMap<>();

  private int inFlightRequests;
  private long outstandingRecords;
  private long outstandingBytes;
  private boolean flushing;
  private boolean dueHint;
  private long wakeAt = Long.MAX_VALUE;
  private KinesisSinkException failure;
  private boolean closed;
  private volatile long ambiguousRecords; // written by the owner only, read by any thread

  /**
   * @param handBack runs a completion on the state's owner, later; never inline
   * @param listTimeout how long a synchronous ListShards may take
   */
  public ShardedSender(
      KinesisSinkClient client,
      SenderSettings settings,
      Time time,
      SinkMetrics metrics,
      Executor handBack,
      Duration listTimeout) {
    this.client = client;
    this.settings = settings;
    this.time = time;
    this.metrics = metrics;
    this.handBack = handBack;
    this.listTimeout = listTimeout;
  }

  // ---------------------------------------------------------------- writing

  /**
   * Makes sure the stream's shard map is known, listing its shards now (with retries) if not.
   *
   * @throws KinesisSinkException when the stream does not exist, the credentials are refused, or
   *     ListShards keeps failing
   */
  public void ensureStream(String stream) {
    if (!streams.containsKey(stream)) {
      StreamState state = new StreamState(stream);
      ShardMap map = listShardsNow(stream);
      install(state, map, time.nanoseconds());
      streams.put(stream, state);
    }
  }

  /** Whether a record of {@code bytes} may be added now without passing the outstanding bounds. */
  public boolean hasRoomFor(int bytes) {
    if (outstandingRecords == 0) {
      return true;
    }
    return outstandingRecords < settings.maxOutstandingRecords()
        && outstandingBytes + bytes <= settings.maxOutstandingBytes();
  }

  /**
   * Buffers one record for the shard its hash key falls in. The stream must have been {@linkplain
   * #ensureStream ensured}.
   *
   * @param bytes the Kinesis record size: data plus partition key bytes
   */
  public void add(
      String stream,
      String partitionKey,
      String explicitHashKey,
      HashKey hashKey,
      byte[] data,
      int bytes) {
    StreamState state = streams.get(stream);
    long now = time.nanoseconds();
    enqueue(state, partitionKey, explicitHashKey, hashKey, data, bytes, now, null);
    outstandingRecords++;
    outstandingBytes += bytes;
    publishBuffer();
  }

  private void enqueue(
      StreamState state,
      String partitionKey,
      String explicitHashKey,
      HashKey hashKey,
      byte[] data,
      int bytes,
      long now,
      PendingEntry original) {
    ShardQueue queue = state.queueFor(hashKey);
    boolean wasEmpty = queue.isEmpty();
    if (original != null) {
      queue.addLast(original);
    } else if (settings.aggregationMaxBytes() > 0) {
      if (!queue.tryAggregate(partitionKey, explicitHashKey, data, bytes, hashKey, now)) {
        queue.sealAggregate();
        if (!queue.tryAggregate(partitionKey, explicitHashKey, data, bytes, hashKey, now)) {
          // too large to share an aggregate: it goes alone, after what came before it
          queue.addLast(
              PendingEntry.single(partitionKey, explicitHashKey, data, bytes, hashKey, now));
        }
      }
    } else {
      queue.addLast(PendingEntry.single(partitionKey, explicitHashKey, data, bytes, hashKey, now));
    }
    if (!queue.active) {
      queue.active = true;
      state.active.add(queue);
    }
    if (wasEmpty) {
      wakeAt = Math.min(wakeAt, now + settings.maxAgeNanos());
    }
    if (!queue.inFlight && now >= queue.backoffUntilNanos) {
      int count = queue.entryCount();
      long held = queue.bufferedBytes();
      if ((count >= settings.maxRecordsPerRequest() || held >= settings.maxBytesPerRequest())
          && queue.rate.ready(now, count, held)) {
        dueHint = true;
      }
    }
  }

  // ---------------------------------------------------------------- sending

  /** A flush is under way: send everything that may be sent, whatever the thresholds. */
  public void startFlush() {
    flushing = true;
    dueHint = true;
  }

  /** The flush is over. */
  public void endFlush() {
    flushing = false;
  }

  /** Whether every record added was acknowledged. */
  public boolean isDrained() {
    return outstandingRecords == 0;
  }

  /**
   * Sends what is due, starts shard map refreshes that are due, applies changed maps. Cheap when
   * nothing is due: it looks at the shards only after a completion, a threshold, a flush, a full
   * buffer, or when {@link #wakeAt()} has passed.
   */
  public void pump() {
    if (failure != null || closed) {
      return;
    }
    long now = time.nanoseconds();
    maintainShardMaps(now);
    boolean force = flushing || !hasRoomFor(0);
    if (!dueHint && !force && now < wakeAt) {
      return;
    }
    dueHint = false;
    wakeAt = Long.MAX_VALUE;
    while (failure == null && inFlightRequests < settings.maxInFlightRequests()) {
      if (!sendOneRequest(now, force)) {
        break;
      }
    }
  }

  /**
   * When {@link #pump()} next has something timed to do (a flush.maxAge, the end of a backoff, a
   * rate bucket refilled, a shard map refresh); {@link Long#MAX_VALUE} when nothing.
   */
  public long wakeAt() {
    long at = wakeAt;
    if (outstandingRecords == 0) {
      return at; // an idle writer lists its shards again when it has something to send
    }
    for (StreamState state : streams.values()) {
      if (!state.listing && (state.pendingMap == null || state.holdsSending())) {
        at =
            Math.min(
                at,
                state.listWanted
                    ? state.listNotBeforeNanos
                    : state.listedAtNanos + settings.refreshIntervalNanos());
      }
    }
    return at;
  }

  /** Whether a completion may still arrive (a request or a ListShards in flight). */
  public boolean awaitingCompletion() {
    if (inFlightRequests > 0) {
      return true;
    }
    for (StreamState state : streams.values()) {
      if (state.listing) {
        return true;
      }
    }
    return false;
  }

  private boolean sendOneRequest(long now, boolean force) {
    for (StreamState state : streams.values()) {
      if (state.pendingMap != null || state.holdsSending() || state.active.isEmpty()) {
        continue;
      }
      List<ShardQueue> due = new ArrayList<>();
      List<ShardQueue> ready = new ArrayList<>();
      for (ShardQueue queue : state.active) {
        if (queue.inFlight) {
          continue;
        }
        if (now < queue.backoffUntilNanos) {
          wakeAt = Math.min(wakeAt, queue.backoffUntilNanos);
          continue;
        }
        int count = queue.entryCount();
        long bytes = queue.bufferedBytes();
        if (!queue.rate.ready(now, count, bytes)) {
          wakeAt = Math.min(wakeAt, queue.rate.readyAt(now, count, bytes));
          continue;
        }
        if (force
            || count >= settings.maxRecordsPerRequest()
            || bytes >= settings.maxBytesPerRequest()
            || now - queue.oldestNanos() >= settings.maxAgeNanos()) {
          due.add(queue);
        } else {
          ready.add(queue);
          wakeAt = Math.min(wakeAt, queue.oldestNanos() + settings.maxAgeNanos());
        }
      }
      if (due.isEmpty()) {
        continue;
      }
      Request request = new Request(state, now);
      for (List<ShardQueue> group : List.of(due, ready)) {
        for (ShardQueue queue : group) {
          if (request.isFull()) {
            break;
          }
          take(queue, request);
        }
      }
      if (!request.entries.isEmpty()) {
        send(request);
        return true;
      }
    }
    return false;
  }

  /**
   * Moves entries from the head of {@code queue} into {@code request}: in order, skipping (and
   * keeping in place) an entry that shares a partition key with one already taken or skipped, up to
   * the request's limits and the shard's rate.
   */
  private void take(ShardQueue queue, Request request) {
    int scanLimit = settings.maxRecordsPerRequest() * SCAN_FACTOR;
    List<PendingEntry> skipped = null;
    Set<String> seen = null;
    PendingEntry firstTaken = null;
    int taken = 0;
    int scanned = 0;
    while (!request.isFull() && scanned < scanLimit && queue.rate.hasTokens()) {
      PendingEntry entry = queue.entries.peekFirst();
      if (entry == null) {
        if (!queue.hasOpenAggregate()) {
          break;
        }
        queue.sealAggregate();
        entry = queue.entries.peekFirst();
      }
      if (!request.entries.isEmpty()
          && request.bytes + entry.bytes > settings.maxBytesPerRequest()) {
        break;
      }
      queue.pollFirst();
      scanned++;
      if (firstTaken != null || skipped != null) {
        if (seen == null) {
          seen = new HashSet<>();
          if (firstTaken != null) {
            addKeys(firstTaken, seen);
          }
        }
        if (sharesKey(entry, seen)) {
          addKeys(entry, seen);
          if (skipped == null) {
            skipped = new ArrayList<>();
          }
          skipped.add(entry);
          continue;
        }
        addKeys(entry, seen);
      }
      if (firstTaken == null) {
        firstTaken = entry;
      }
      request.add(entry, queue);
      queue.rate.take(1, entry.bytes);
      taken++;
    }
    if (skipped != null) {
      for (int i = skipped.size() - 1; i >= 0; i--) {
        queue.addFirst(skipped.get(i));
      }
    }
    if (taken > 0) {
      queue.inFlight = true;
      request.queues.add(queue);
    }
    // served queues go to the back, so the next request starts with the others
    queue.stream.active.remove(queue);
    if (queue.isEmpty()) {
      queue.active = false;
    } else {
      queue.stream.active.add(queue);
    }
  }

  private static boolean sharesKey(PendingEntry entry, Set<String> seen) {
    if (entry.aggregatedKeys == null) {
      return seen.contains(entry.key);
    }
    for (String key : entry.aggregatedKeys) {
      if (seen.contains(key)) {
        return true;
      }
    }
    return false;
  }

  private static void addKeys(PendingEntry entry, Set<String> seen) {
    if (entry.aggregatedKeys == null) {
      seen.add(entry.key);
    } else {
      for (String key : entry.aggregatedKeys) {
        seen.add(key);
      }
    }
  }

  private void send(Request request) {
    List<PutRecordsRequestEntry> sdkEntries = new ArrayList<>(request.entries.size());
    for (PendingEntry entry : request.entries) {
      if (entry.attempts == 0) {
        entry.firstAttemptNanos = request.sentNanos;
      }
      entry.attempts++;
      sdkEntries.add(
          PutRecordsRequestEntry.builder()
              .partitionKey(entry.partitionKey)
              .explicitHashKey(entry.explicitHashKey)
              .data(SdkBytes.fromByteArrayUnsafe(entry.data))
              .build());
    }
    PutRecordsRequest sdkRequest =
        PutRecordsRequest.builder().streamName(request.stream.name).records(sdkEntries).build();
    inFlightRequests++;
    request.stream.inFlightRequests++;
    metrics.inFlight.set(inFlightRequests);
    CompletableFuture<PutRecordsResponse> future;
    try {
      future = client.putRecords(sdkRequest);
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.whenComplete(
        (response, error) -> handBack.execute(() -> complete(request, response, error)));
  }

  // ---------------------------------------------------------------- completions

  private void complete(Request request, PutRecordsResponse response, Throwable error) {
    inFlightRequests--;
    request.stream.inFlightRequests--;
    metrics.inFlight.set(inFlightRequests);
    long now = time.nanoseconds();
    metrics.request(now - request.sentNanos);
    dueHint = true;
    if (closed || failure != null) {
      return;
    }
    if (error == null
        && (response.records() == null || response.records().size() != request.entries.size())) {
      fail(
          request.stream.name,
          request.queueOf(0).shard.shardId(),
          "UnexpectedResponse",
          "Kinesis answered a PutRecords of "
              + request.entries.size()
              + " records with "
              + (response.records() == null ? 0 : response.records().size())
              + " results",
          null);
      return;
    }
    ShardlineException callError = error == null ? null : KinesisErrors.classify(error);
    if (callError != null && !(callError instanceof RetriableException)) {
      failOnCall(request.stream.name, request.queueOf(0).shard.shardId(), "PutRecords", callError);
      return;
    }
    if (callError instanceof KinesisTransientException maybeWritten
        && maybeWritten.mayHaveBeenWritten()) {
      ambiguousRecords += request.entries.size();
      LOG.warn(
          "PutRecords of {} records to stream {} failed with {} ({}): they may have been written"
              + " and are sent again, so they may appear twice",
          request.entries.size(),
          request.stream.name,
          maybeWritten.errorCode(),
          maybeWritten.getMessage());
    }
    Map<ShardQueue, List<PendingEntry>> failedByQueue = new LinkedHashMap<>();
    // failed and in-doubt entries, in request order, to go back to the head of their queue
    Map<ShardQueue, List<PendingEntry>> backByQueue = new LinkedHashMap<>();
    Map<ShardQueue, Boolean> throttled = new HashMap<>();
    Map<String, Integer> failedByCode = new HashMap<>();
    long records = 0;
    long bytes = 0;
    int kinesisRecords = 0;
    long kinesisBytes = 0;
    // the type depends on the code alone: under throttling hundreds of entries share one
    String classifiedCode = null;
    ShardlineException recordError = null;
    for (int i = 0; i < request.entries.size(); i++) {
      PendingEntry entry = request.entries.get(i);
      ShardQueue queue = request.queueOf(i);
      String code;
      String message;
      if (callError != null) {
        code = errorCode(callError);
        message = callError.getMessage();
      } else {
        PutRecordsResultEntry result = response.records().get(i);
        if (result.errorCode() == null) {
          kinesisRecords++;
          kinesisBytes += entry.bytes;
          if (result.shardId() != null && !result.shardId().equals(queue.shard.shardId())) {
            onUnexpectedShard(request.stream, queue, result.shardId());
            if (entry.isAggregate()) {
              // routed by its first key: the shard it is in may not own all its keys
              holdInDoubt(request.stream, queue, entry, result.shardId(), now);
              backByQueue.computeIfAbsent(queue, q -> new ArrayList<>()).add(entry);
              continue;
            }
          }
          records += entry.userRecords;
          bytes += entry.userBytes;
          outstandingRecords -= entry.userRecords;
          outstandingBytes -= entry.userBytes;
          continue;
        }
        code = result.errorCode();
        message = result.errorMessage();
        if (!code.equals(classifiedCode)) {
          classifiedCode = code;
          recordError = KinesisErrors.ofRecordError(code, message);
        }
        if (!(recordError instanceof RetriableException)) {
          String shardId = queue.shard.shardId();
          String problem =
              "Kinesis refused a record (partition key \""
                  + entry.partitionKey
                  + "\") with "
                  + code
                  + ": "
                  + message
                  + ". No retry can fix this"
                  + (code.startsWith("KMS")
                      ? ": check the stream's KMS key and the writer's permission to use it."
                      : ".");
          fail(
              request.stream.name,
              shardId,
              code,
              problem,
              recordError instanceof UnrecoverableException unrecoverable
                  ? KinesisErrors.explained(
                      unrecoverable, where(request.stream.name, shardId) + problem)
                  : null);
          return;
        }
      }
      entry.lastErrorCode = code;
      entry.lastErrorMessage = message;
      failedByCode.merge(code, 1, Integer::sum);
      if (THROTTLED.equals(code)) { // the shard's write quota (not KMS's): slow the shard down
        throttled.put(queue, true);
      }
      failedByQueue.computeIfAbsent(queue, q -> new ArrayList<>()).add(entry);
      backByQueue.computeIfAbsent(queue, q -> new ArrayList<>()).add(entry);
    }
    if (kinesisRecords > 0) {
      metrics.records.increment(records);
      metrics.bytes.increment(bytes);
      metrics.kinesisRecords.increment(kinesisRecords);
      metrics.kinesisBytes.increment(kinesisBytes);
    }
    failedByCode.forEach(metrics::failedRecords);
    for (ShardQueue queue : request.queues) {
      queue.inFlight = false;
      queue.rate.onRoundTrip(now - request.sentNanos);
      List<PendingEntry> failed = failedByQueue.get(queue);
      if (failed == null) {
        queue.consecutiveFailures = 0;
        queue.backoffUntilNanos = 0;
        queue.rate.onAccepted();
      } else {
        long retryAt =
            now + settings.backoff().delay(queue.consecutiveFailures).toNanos(); // after this one
        for (PendingEntry entry : failed) {
          // no retry starts later than retry.timeout after the record's first attempt
          if (entry.attempts >= settings.maxAttempts()
              || retryAt - entry.firstAttemptNanos > settings.retryTimeoutNanos()) {
            exhausted(queue, entry, now);
            return;
          }
        }
        int retriedRecords = failed.stream().mapToInt(e -> e.userRecords).sum();
        metrics.retried.increment(retriedRecords);
        if (throttled.containsKey(queue)) {
          queue.rate.onThrottled(now);
        }
        queue.consecutiveFailures++;
        queue.backoffUntilNanos = retryAt;
      }
      List<PendingEntry> back = backByQueue.get(queue);
      if (back != null) {
        for (int i = back.size() - 1; i >= 0; i--) {
          queue.addFirst(back.get(i));
        }
        if (!queue.active) {
          queue.active = true;
          queue.stream.active.add(queue);
        }
      }
    }
    publishBuffer();
    applyPendingMap(request.stream, now);
  }

  private void exhausted(ShardQueue queue, PendingEntry entry, long now) {
    String attempts = entry.attempts + (entry.attempts == 1 ? " attempt" : " attempts");
    String advice =
        THROTTLED.equals(entry.lastErrorCode)
            ? " The shard is over its write quota: add shards, spread the partition keys, write"
                + " less, or raise retry.maxAttempts / retry.timeout."
            : " Raise retry.maxAttempts / retry.timeout if the cause is passing.";
    fail(
        queue.stream.name,
        queue.shard.shardId(),
        entry.lastErrorCode,
        "A record (partition key \""
            + entry.partitionKey
            + "\""
            + (entry.isAggregate() ? ", an aggregate of " + entry.userRecords + " records" : "")
            + ") was not accepted after "
            + attempts
            + " over "
            + seconds(now - entry.firstAttemptNanos)
            + "; last error "
            + entry.lastErrorCode
            + ": "
            + entry.lastErrorMessage
            + "."
            + advice,
        null);
  }

  private void failOnCall(
      String stream, String shardId, String operation, ShardlineException error) {
    if (failure == null) {
      failure = callFailure(stream, shardId, operation, error);
      LOG.error("{}", failure.getMessage());
    }
  }

  private static KinesisSinkException callFailure(
      String stream, String shardId, String operation, ShardlineException error) {
    if (error instanceof ServerUnreachableException) {
      // names the endpoint and the option; a restart may find the server back
      return failure(stream, null, errorCode(error), error.getMessage(), error);
    }
    String code = errorCode(error);
    String message;
    if (error instanceof KinesisStreamNotFoundException) {
      message =
          "Kinesis stream \""
              + stream
              + "\" does not exist ("
              + operation
              + ": "
              + code
              + ": "
              + error.getMessage()
              + "). Create it, or fix the option stream (and awsRegion: a stream belongs to one"
              + " region and account).";
      shardId = null;
    } else if (error instanceof KinesisAccessDeniedException) {
      message =
          "The credentials for stream \""
              + stream
              + "\" were refused or could not be loaded ("
              + operation
              + ": "
              + code
              + ": "
              + error.getMessage()
              + "). Check awsCredentials and awsRegion: the credentials must be valid and allow"
              + " kinesis:PutRecords and kinesis:ListShards on the stream.";
      shardId = null;
    } else {
      message =
          operation
              + " failed with "
              + code
              + ": "
              + error.getMessage()
              + ". No retry can fix this.";
    }
    Throwable cause = error.getCause();
    if (error instanceof UnrecoverableException unrecoverable) {
      // no restart can fix these: the runner fails at once with this message as its last line
      cause = KinesisErrors.explained(unrecoverable, where(stream, shardId) + message);
    }
    return failure(stream, shardId, code, message, cause);
  }

  /** The Kinesis error code of a classified error, for messages and the failure's errorCode. */
  private static String errorCode(ShardlineException error) {
    if (error instanceof KinesisError kinesis) {
      return kinesis.errorCode();
    }
    return error instanceof ServerUnreachableException
        ? "Unreachable"
        : error.getClass().getSimpleName();
  }

  private void fail(
      String stream, String shardId, String errorCode, String problem, Throwable cause) {
    if (failure == null) {
      failure = failure(stream, shardId, errorCode, problem, cause);
      LOG.error("{}", failure.getMessage());
    }
  }

  private static KinesisSinkException failure(
      String stream, String shardId, String errorCode, String problem, Throwable cause) {
    return new KinesisSinkException(
        where(stream, shardId) + problem, stream, shardId, errorCode, cause);
  }

  private static String where(String stream, String shardId) {
    return "Writing to Kinesis stream \""
        + stream
        + "\""
        + (shardId == null ? "" : " (shard " + shardId + ")")
        + " failed: ";
  }

  /** The failure that stopped this sender, if any. */
  public Optional<KinesisSinkException> failure() {
    return Optional.ofNullable(failure);
  }

  // ---------------------------------------------------------------- shard maps

  private void onUnexpectedShard(StreamState state, ShardQueue queue, String actualShard) {
    if (!state.listWanted) {
      LOG.info(
          "Kinesis put a record of stream {} in {}, predicted {}: the shards changed; listing them"
              + " again",
          state.name,
          actualShard,
          queue.shard.shardId());
    }
    state.listWanted = true;
  }

  private void maintainShardMaps(long now) {
    for (StreamState state : streams.values()) {
      if (state.listing || (state.pendingMap != null && !state.holdsSending())) {
        continue;
      }
      if ((state.listWanted && now >= state.listNotBeforeNanos)
          || now - state.listedAtNanos >= settings.refreshIntervalNanos()) {
        state.listing = true;
        state.listWanted = false;
        listAll(state.name)
            .whenComplete((shards, error) -> handBack.execute(() -> listed(state, shards, error)));
      }
    }
  }

  private void listed(StreamState state, List<Shard> shards, Throwable error) {
    state.listing = false;
    long now = time.nanoseconds();
    state.listedAtNanos = now;
    if (closed || failure != null) {
      return;
    }
    if (error != null) {
      ShardlineException classified = KinesisErrors.classify(error);
      if (classified instanceof KinesisStreamNotFoundException) {
        failOnCall(state.name, null, "ListShards", classified);
      } else {
        LOG.warn(
            "Listing the shards of stream {} failed ({}: {}); trying again in {}",
            state.name,
            errorCode(classified),
            classified.getMessage(),
            state.holdsSending() ? "a moment" : Duration.ofNanos(settings.refreshIntervalNanos()));
        listAgainWhileHolding(state, now);
      }
      return;
    }
    metrics.shardMapRefreshes.increment();
    ShardMap map;
    try {
      map = ShardMap.fromListedShards(shards);
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "Stream {} listed unusable shards ({}); keeping the old map", state.name, e.getMessage());
      listAgainWhileHolding(state, now);
      return;
    }
    settleLandings(state, shards);
    if (!map.sameShardsAs(state.map)) {
      LOG.info("Stream {} has new open shards {} (were {})", state.name, map, state.map);
      state.pendingMap = map;
      state.remapWanted = false;
    }
    listAgainWhileHolding(state, now);
    applyPendingMap(state, now);
    dueHint = true;
  }

  /**
   * An aggregate Kinesis put in {@code shardId} instead of its queue's shard: it goes back to the
   * head of its queue (with the request's failed records, in request order) and the stream holds
   * its sending until a listing tells whether that shard owns all its keys.
   */
  private void holdInDoubt(
      StreamState state, ShardQueue queue, PendingEntry entry, String shardId, long now) {
    if (!state.holdsSending()) {
      state.holdingSinceNanos = now;
      state.relistings = 0;
      state.listNotBeforeNanos = 0;
    }
    state.inDoubt.add(new StreamState.Landing(queue, entry, shardId));
  }

  /**
   * Decides the aggregates in doubt whose landing shard {@code shards} lists. One whose every user
   * record belongs to that shard is where every reader expects it: acknowledged. Any other is
   * misdelivered: the KCL drops it whole (Shardline's source too), so all its user records are sent
   * again, split by the new map, before anything newer of their keys (they stay at the head of
   * their queue, which the new map unpacks in order). The KPL sends again only the user records
   * outside the shard, which a KCL consumer then loses with the aggregate.
   */
  private void settleLandings(StreamState state, List<Shard> shards) {
    if (state.inDoubt.isEmpty()) {
      return;
    }
    Map<String, Shard> byId = new HashMap<>();
    for (Shard shard : shards) {
      byId.put(shard.shardId(), shard);
    }
    int misdelivered = 0;
    int misdeliveredRecords = 0;
    String example = null;
    for (Iterator<StreamState.Landing> it = state.inDoubt.iterator(); it.hasNext(); ) {
      StreamState.Landing landing = it.next();
      Shard shard = byId.get(landing.shardId());
      if (shard == null || shard.hashKeyRange() == null) {
        continue; // not listed yet: stays in doubt, listed again shortly
      }
      it.remove();
      PendingEntry entry = landing.entry();
      List<UserRecord> users =
          RecordDeaggregator.deaggregate(entry.data)
              .orElseThrow(() -> new IllegalStateException("an aggregate this sink made"));
      Optional<UserRecord> outside;
      try {
        outside =
            RecordDeaggregator.firstOutside(
                users,
                HashKey.parse(shard.hashKeyRange().startingHashKey()),
                HashKey.parse(shard.hashKeyRange().endingHashKey()),
                md5);
      } catch (IllegalArgumentException badRange) {
        outside = Optional.of(users.get(0));
      }
      if (outside.isEmpty()) {
        landing.queue().remove(entry);
        if (landing.queue().isEmpty() && landing.queue().active) {
          landing.queue().active = false;
          state.active.remove(landing.queue());
        }
        outstandingRecords -= entry.userRecords;
        outstandingBytes -= entry.userBytes;
        metrics.records.increment(entry.userRecords);
        metrics.bytes.increment(entry.userBytes);
        continue;
      }
      misdelivered++;
      misdeliveredRecords += entry.userRecords;
      if (example == null) {
        example =
            "an aggregate of "
                + entry.userRecords
                + " records predicted for "
                + landing.queue().shard.shardId()
                + " is in "
                + landing.shardId()
                + ", which does not own the key \""
                + outside.get().partitionKey()
                + "\"";
      }
      state.remapWanted = true;
    }
    if (misdelivered > 0) {
      metrics.misdelivered.increment(misdelivered);
      metrics.retried.increment(misdeliveredRecords);
      LOG.info(
          "Kinesis put {} aggregate(s) ({} records) of stream {} in shards that do not own all their"
              + " keys (e.g. {}): the shards changed after they were packed. A KCL consumer drops"
              + " such an aggregate whole; sending their records again by the new shard map",
          misdelivered,
          misdeliveredRecords,
          state.name,
          example);
    }
    publishBuffer();
  }

  /**
   * While the stream holds its sending (aggregates in doubt, or misdelivered ones and a listing
   * that showed no change yet), lists again soon with backoff; fails the writer when that lasts
   * longer than retry.timeout.
   */
  private void listAgainWhileHolding(StreamState state, long now) {
    if (!state.holdsSending()) {
      state.holdingSinceNanos = -1;
      state.listNotBeforeNanos = 0;
      return;
    }
    if (now - state.holdingSinceNanos > settings.retryTimeoutNanos()) {
      StreamState.Landing landing = state.inDoubt.isEmpty() ? null : state.inDoubt.get(0);
      fail(
          state.name,
          landing == null ? null : landing.shardId(),
          "ShardMapNotUpdated",
          (landing != null
                  ? "Kinesis put an aggregate in shard "
                      + landing.shardId()
                      + ", which ListShards has not listed since"
                  : "Aggregates landed in shards that do not own all their keys, and ListShards"
                      + " has shown no change of the open shards since")
              + " "
              + seconds(now - state.holdingSinceNanos)
              + " ago (retry.timeout); its records cannot be sent again by a current shard map."
              + " Check that the stream is not being resharded without end, or raise"
              + " retry.timeout.",
          null);
      return;
    }
    state.listWanted = true;
    state.listNotBeforeNanos = now + settings.backoff().delay(state.relistings++).toNanos();
  }

  /**
   * Applies a changed map once nothing of the stream is in flight: every held record is predicted
   * again, each old queue in order, so every key keeps its order (a key was in one old queue and
   * goes to one new queue).
   */
  private void applyPendingMap(StreamState state, long now) {
    if (state.pendingMap == null || state.inFlightRequests > 0 || !state.inDoubt.isEmpty()) {
      return;
    }
    ShardQueue[] old = state.queues;
    install(state, state.pendingMap, now);
    state.pendingMap = null;
    for (ShardQueue queue : old) {
      queue.sealAggregate();
      PendingEntry entry;
      while ((entry = queue.pollFirst()) != null) {
        if (!entry.isAggregate()) {
          enqueue(
              state,
              entry.partitionKey,
              entry.explicitHashKey,
              entry.hashKey,
              entry.data,
              entry.bytes,
              entry.enqueuedNanos,
              settings.aggregationMaxBytes() > 0 ? null : entry);
          continue;
        }
        List<UserRecord> users =
            RecordDeaggregator.deaggregate(entry.data)
                .orElseThrow(() -> new IllegalStateException("an aggregate this sink made"));
        for (UserRecord user : users) {
          byte[] keyBytes = user.partitionKey().getBytes(StandardCharsets.UTF_8);
          HashKey hash =
              user.explicitHashKey() != null
                  ? HashKey.parse(user.explicitHashKey())
                  : HashKey.ofPartitionKey(keyBytes, md5);
          enqueue(
              state,
              user.partitionKey(),
              user.explicitHashKey(),
              hash,
              user.data(),
              user.data().length + keyBytes.length,
              entry.enqueuedNanos,
              null);
        }
      }
    }
    dueHint = true;
  }

  private void install(StreamState state, ShardMap map, long now) {
    state.map = map;
    state.listedAtNanos = now;
    state.active.clear();
    state.queues = new ShardQueue[map.size()];
    for (int i = 0; i < map.size(); i++) {
      state.queues[i] =
          new ShardQueue(
              state,
              map.shard(i),
              new ShardRate(
                  settings.shardRateEnabled(),
                  settings.maxRecordsPerSecond(),
                  settings.maxBytesPerSecond(),
                  now),
              settings.aggregationMaxBytes());
    }
  }

  private CompletableFuture<List<Shard>> listAll(String stream) {
    List<Shard> shards = new ArrayList<>();
    return listPage(ListShardsRequest.builder().streamName(stream).build(), shards);
  }

  private CompletableFuture<List<Shard>> listPage(ListShardsRequest request, List<Shard> shards) {
    CompletableFuture<software.amazon.awssdk.services.kinesis.model.ListShardsResponse> page;
    try {
      page = client.listShards(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return page.thenCompose(
        response -> {
          shards.addAll(response.shards());
          if (response.nextToken() == null) {
            return CompletableFuture.completedFuture(shards);
          }
          return listPage(
              ListShardsRequest.builder().nextToken(response.nextToken()).build(), shards);
        });
  }

  private ShardMap listShardsNow(String stream) {
    long start = time.nanoseconds();
    for (int attempt = 1; ; attempt++) {
      ShardlineException error;
      try {
        List<Shard> shards = listAll(stream).get(listTimeout.toMillis(), TimeUnit.MILLISECONDS);
        metrics.shardMapRefreshes.increment();
        return ShardMap.fromListedShards(shards);
      } catch (InterruptedException e) {
        throw new InterruptException("Interrupted while listing the shards of " + stream, e);
      } catch (TimeoutException e) {
        error =
            new KinesisTransientException("no answer within " + listTimeout, "Timeout", false, e);
      } catch (ExecutionException e) {
        error = KinesisErrors.classify(e);
      }
      if (!(error instanceof RetriableException)) {
        throw callFailure(stream, null, "ListShards", error);
      }
      long elapsed = time.nanoseconds() - start;
      if (attempt >= settings.maxAttempts() || elapsed >= settings.retryTimeoutNanos()) {
        throw new KinesisSinkException(
            "Listing the shards of Kinesis stream \""
                + stream
                + "\" failed after "
                + attempt
                + " attempts over "
                + seconds(elapsed)
                + "; last error "
                + errorCode(error)
                + ": "
                + error.getMessage(),
            stream,
            null,
            errorCode(error),
            error.getCause());
      }
      try {
        time.sleep(settings.backoff().delay(attempt - 1).toMillis());
      } catch (InterruptedException e) {
        throw new InterruptException("Interrupted while listing the shards of " + stream, e);
      }
    }
  }

  // ---------------------------------------------------------------- state

  /** Stops: later completions are ignored. */
  public void close() {
    closed = true;
  }

  /** Records added and not yet acknowledged. */
  public long outstandingRecords() {
    return outstandingRecords;
  }

  /** Bytes of the records added and not yet acknowledged. */
  public long outstandingBytes() {
    return outstandingBytes;
  }

  /** PutRecords requests in flight. */
  public int inFlightRequests() {
    return inFlightRequests;
  }

  /**
   * Records that were in requests whose outcome was unknown (a 5xx, a timeout, a lost connection)
   * and were sent again: an upper bound of the duplicates this writer may have caused.
   */
  public long ambiguousRecords() {
    return ambiguousRecords;
  }

  /** The shard map in use for {@code stream}, if it was listed. */
  public Optional<ShardMap> shardMap(String stream) {
    StreamState state = streams.get(stream);
    return state == null ? Optional.empty() : Optional.of(state.map);
  }

  /** The adaptive rate share of one shard, 1 being the full shardRate maximum. */
  public double rateShare(String stream, String shardId) {
    for (ShardQueue queue : streams.get(stream).queues) {
      if (queue.shard.shardId().equals(shardId)) {
        return queue.rate.share();
      }
    }
    throw new IllegalArgumentException("no open shard " + shardId + " in " + stream);
  }

  private void publishBuffer() {
    metrics.bufferRecords.set(outstandingRecords);
    metrics.bufferBytes.set(outstandingBytes);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  /** One PutRecords request being built or in flight. */
  private final class Request {
    final StreamState stream;
    final long sentNanos;
    final List<PendingEntry> entries = new ArrayList<>();
    final List<ShardQueue> entryQueues = new ArrayList<>();
    final List<ShardQueue> queues = new ArrayList<>();
    long bytes;

    Request(StreamState stream, long sentNanos) {
      this.stream = stream;
      this.sentNanos = sentNanos;
    }

    void add(PendingEntry entry, ShardQueue queue) {
      entries.add(entry);
      entryQueues.add(queue);
      bytes += entry.bytes;
    }

    ShardQueue queueOf(int index) {
      return entryQueues.get(index);
    }

    boolean isFull() {
      return entries.size() >= settings.maxRecordsPerRequest()
          || bytes >= settings.maxBytesPerRequest();
    }
  }
}
