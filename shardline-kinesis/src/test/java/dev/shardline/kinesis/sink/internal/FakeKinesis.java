package dev.shardline.kinesis.sink.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * A hand-written in-memory Kinesis behind {@link KinesisSinkClient}: streams of shards with hash
 * key ranges, routing by MD5 computed here with {@link BigInteger} (independently of {@link
 * HashKey}), per-record outcomes chosen by a {@link RecordPolicy}, and calls that complete at once
 * or when the test says. Thread-safe (synchronized), so a writer thread may block on it while the
 * test thread completes calls.
 */
final class FakeKinesis implements KinesisSinkClient {
  static final BigInteger MAX_HASH = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  /** A record Kinesis stored. */
  record Stored(String partitionKey, String explicitHashKey, byte[] data, String shardId) {}

  /** Decides one record's fate: null to accept it, else its error code. */
  @FunctionalInterface
  interface RecordPolicy {
    String errorCode(String stream, String shardId, PutRecordsRequestEntry entry, int index);
  }

  /** A PutRecords call not yet answered. */
  final class Call {
    final PutRecordsRequest request;
    final CompletableFuture<PutRecordsResponse> future = new CompletableFuture<>();

    Call(PutRecordsRequest request) {
      this.request = request;
    }

    /** Answers it under the current policy. */
    void complete() {
      PutRecordsResponse response;
      synchronized (FakeKinesis.this) {
        response = answer(request);
      }
      future.complete(response);
    }

    /** Fails the whole call. */
    void fail(Throwable error) {
      future.completeExceptionally(error);
    }

    /** The shards this call's records route to. */
    List<String> shards() {
      synchronized (FakeKinesis.this) {
        List<String> shards = new ArrayList<>();
        for (PutRecordsRequestEntry entry : request.records()) {
          shards.add(route(request.streamName(), entry).shardId);
        }
        return shards;
      }
    }
  }

  private final class FakeShard {
    final String shardId;
    final BigInteger start;
    final BigInteger end;
    String parent;
    boolean open = true;

    FakeShard(String shardId, BigInteger start, BigInteger end) {
      this.shardId = shardId;
      this.start = start;
      this.end = end;
    }
  }

  private final Map<String, List<FakeShard>> streams = new LinkedHashMap<>();
  private final Map<String, List<Stored>> stored = new LinkedHashMap<>();
  private final Deque<Call> pending = new ArrayDeque<>();
  private final List<PutRecordsRequest> requests = new ArrayList<>();
  private RecordPolicy policy = (stream, shard, entry, index) -> null;
  private boolean autoComplete = true;
  private Throwable nextPutRecordsFailure;
  private Throwable listShardsFailure;
  private int listShardsPageSize = 1000;
  private int listShardsCalls;
  private long sequence;

  /** Adds a stream of {@code shards} shards splitting the hash key space evenly. */
  synchronized FakeKinesis stream(String name, int shards) {
    List<FakeShard> list = new ArrayList<>();
    BigInteger width = MAX_HASH.add(BigInteger.ONE).divide(BigInteger.valueOf(shards));
    for (int i = 0; i < shards; i++) {
      BigInteger start = width.multiply(BigInteger.valueOf(i));
      BigInteger end = i == shards - 1 ? MAX_HASH : start.add(width).subtract(BigInteger.ONE);
      list.add(new FakeShard(String.format("shardId-%012d", i), start, end));
    }
    streams.put(name, list);
    stored.put(name, new ArrayList<>());
    return this;
  }

  /** Splits an open shard in two halves, as SplitShard does. */
  synchronized void split(String stream, String shardId) {
    List<FakeShard> shards = streams.get(stream);
    FakeShard parent = shards.stream().filter(s -> s.shardId.equals(shardId)).findFirst().get();
    parent.open = false;
    BigInteger middle = parent.start.add(parent.end).shiftRight(1);
    int next = shards.size();
    FakeShard low = new FakeShard(String.format("shardId-%012d", next), parent.start, middle);
    FakeShard high =
        new FakeShard(
            String.format("shardId-%012d", next + 1), middle.add(BigInteger.ONE), parent.end);
    low.parent = shardId;
    high.parent = shardId;
    shards.add(low);
    shards.add(high);
  }

  /** Merges two adjacent open shards into a new one, as MergeShards does. */
  synchronized void merge(String stream, String shardId, String adjacentShardId) {
    List<FakeShard> shards = streams.get(stream);
    FakeShard first = shards.stream().filter(s -> s.shardId.equals(shardId)).findFirst().get();
    FakeShard second =
        shards.stream().filter(s -> s.shardId.equals(adjacentShardId)).findFirst().get();
    first.open = false;
    second.open = false;
    FakeShard child =
        new FakeShard(
            String.format("shardId-%012d", shards.size()),
            first.start.min(second.start),
            first.end.max(second.end));
    child.parent = shardId;
    shards.add(child);
  }

  /** The hash key range of a shard, open or closed: {start, end}. */
  synchronized BigInteger[] range(String stream, String shardId) {
    FakeShard shard =
        streams.get(stream).stream().filter(s -> s.shardId.equals(shardId)).findFirst().get();
    return new BigInteger[] {shard.start, shard.end};
  }

  synchronized void policy(RecordPolicy policy) {
    this.policy = policy;
  }

  synchronized void autoComplete(boolean autoComplete) {
    this.autoComplete = autoComplete;
  }

  synchronized void failNextPutRecords(Throwable error) {
    this.nextPutRecordsFailure = error;
  }

  synchronized void failListShards(Throwable error) {
    this.listShardsFailure = error;
  }

  synchronized void listShardsPageSize(int size) {
    this.listShardsPageSize = size;
  }

  synchronized int listShardsCalls() {
    return listShardsCalls;
  }

  /** Every PutRecords request made, in order. */
  synchronized List<PutRecordsRequest> requests() {
    return new ArrayList<>(requests);
  }

  /** Calls waiting for the test (when auto-complete is off). */
  synchronized List<Call> pending() {
    return new ArrayList<>(pending);
  }

  synchronized Call nextPending() {
    return pending.pollFirst();
  }

  /** Waits for a call to answer, and takes it. */
  synchronized Call awaitPending(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pending.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no PutRecords call within " + timeout);
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return pending.pollFirst();
  }

  /** Waits until a stream stored {@code count} records. */
  synchronized void awaitStored(String stream, int count, java.time.Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (stored.get(stream).size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            stream + " stored " + stored.get(stream).size() + " records, not " + count);
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** The records a stream stored, in the order they were accepted. */
  synchronized List<Stored> stored(String stream) {
    return new ArrayList<>(stored.get(stream));
  }

  /** The shard a record routes to now. */
  synchronized String shardOf(String stream, String partitionKey) {
    return route(stream, PutRecordsRequestEntry.builder().partitionKey(partitionKey).build())
        .shardId;
  }

  @Override
  public synchronized CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
    requests.add(request);
    if (nextPutRecordsFailure != null) {
      Throwable error = nextPutRecordsFailure;
      nextPutRecordsFailure = null;
      return CompletableFuture.failedFuture(error);
    }
    if (!streams.containsKey(request.streamName())) {
      return CompletableFuture.failedFuture(
          ResourceNotFoundException.builder()
              .message("Stream " + request.streamName() + " under account 000 not found.")
              .awsErrorDetails(
                  software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                      .errorCode("ResourceNotFoundException")
                      .errorMessage("Stream " + request.streamName() + " not found.")
                      .build())
              .statusCode(400)
              .build());
    }
    Call call = new Call(request);
    if (autoComplete) {
      return CompletableFuture.completedFuture(answer(request));
    }
    pending.add(call);
    notifyAll();
    return call.future;
  }

  @Override
  public synchronized CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
    listShardsCalls++;
    if (listShardsFailure != null) {
      return CompletableFuture.failedFuture(listShardsFailure);
    }
    String stream;
    int from;
    if (request.nextToken() != null) {
      String[] token = request.nextToken().split("/");
      stream = token[0];
      from = Integer.parseInt(token[1]);
    } else {
      stream = request.streamName();
      from = 0;
    }
    List<FakeShard> shards = streams.get(stream);
    if (shards == null) {
      return CompletableFuture.failedFuture(
          ResourceNotFoundException.builder()
              .awsErrorDetails(
                  software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                      .errorCode("ResourceNotFoundException")
                      .errorMessage("Stream " + stream + " under account 000 not found.")
                      .build())
              .statusCode(400)
              .build());
    }
    List<Shard> page = new ArrayList<>();
    int to = Math.min(shards.size(), from + listShardsPageSize);
    for (FakeShard shard : shards.subList(from, to)) {
      page.add(
          Shard.builder()
              .shardId(shard.shardId)
              .parentShardId(shard.parent)
              .hashKeyRange(
                  HashKeyRange.builder()
                      .startingHashKey(shard.start.toString())
                      .endingHashKey(shard.end.toString())
                      .build())
              .sequenceNumberRange(
                  SequenceNumberRange.builder()
                      .startingSequenceNumber("1")
                      .endingSequenceNumber(shard.open ? null : "99")
                      .build())
              .build());
    }
    return CompletableFuture.completedFuture(
        ListShardsResponse.builder()
            .shards(page)
            .nextToken(to < shards.size() ? stream + "/" + to : null)
            .build());
  }

  @Override
  public void close() {}

  private PutRecordsResponse answer(PutRecordsRequest request) {
    List<PutRecordsResultEntry> results = new ArrayList<>();
    int failed = 0;
    List<PutRecordsRequestEntry> records = request.records();
    for (int i = 0; i < records.size(); i++) {
      PutRecordsRequestEntry entry = records.get(i);
      FakeShard shard = route(request.streamName(), entry);
      String code = policy.errorCode(request.streamName(), shard.shardId, entry, i);
      if (code != null) {
        failed++;
        results.add(
            PutRecordsResultEntry.builder()
                .errorCode(code)
                .errorMessage("Rate exceeded for shard " + shard.shardId)
                .build());
        continue;
      }
      stored
          .get(request.streamName())
          .add(
              new Stored(
                  entry.partitionKey(),
                  entry.explicitHashKey(),
                  entry.data().asByteArray(),
                  shard.shardId));
      notifyAll();
      results.add(
          PutRecordsResultEntry.builder()
              .shardId(shard.shardId)
              .sequenceNumber(Long.toString(++sequence))
              .build());
    }
    return PutRecordsResponse.builder().records(results).failedRecordCount(failed).build();
  }

  private FakeShard route(String stream, PutRecordsRequestEntry entry) {
    BigInteger hash =
        entry.explicitHashKey() != null
            ? new BigInteger(entry.explicitHashKey())
            : new BigInteger(1, md5(entry.partitionKey().getBytes(UTF_8)));
    for (FakeShard shard : streams.get(stream)) {
      if (shard.open && shard.start.compareTo(hash) <= 0 && hash.compareTo(shard.end) <= 0) {
        return shard;
      }
    }
    throw new IllegalStateException("no open shard for " + hash);
  }

  private static byte[] md5(byte[] bytes) {
    try {
      return MessageDigest.getInstance("MD5").digest(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
