package dev.shardline.kinesis.testing;

import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.time.Time;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/**
 * A Kinesis in memory behind the {@link KinesisProxy} interface, for unit tests: streams, shards
 * with hash ranges, records routed by the MD5 of their partition key, split and merge with parent
 * links, iterators that expire after 5 minutes of the given clock, MillisBehindLatest, paged
 * ListShards with AFTER_SHARD_ID (or ignoring it, as kinesalite does), scripted failures, a log of
 * calls, and calls that can be held and released to test what is in flight. Thread-safe.
 */
public final class FakeKinesis implements KinesisProxy {
  private static final BigInteger MAX_HASH = BigInteger.TWO.pow(128).subtract(BigInteger.ONE);
  private static final long ITERATOR_LIFETIME_MILLIS = 300_000;

  /** The calls, for scripted failures and the call log. */
  public enum Op {
    DESCRIBE_STREAM_SUMMARY,
    LIST_SHARDS,
    GET_SHARD_ITERATOR,
    GET_RECORDS
  }

  /** One call as the log keeps it. */
  public record Call(Op op, String shardId, long nanos) {}

  private static final class FakeShard {
    final String id;
    final String parent;
    final String adjacentParent;
    final BigInteger start;
    final BigInteger end;
    final List<Record> records = new ArrayList<>();
    boolean closed;
    final List<String> children = new ArrayList<>();

    FakeShard(String id, String parent, String adjacentParent, BigInteger start, BigInteger end) {
      this.id = id;
      this.parent = parent;
      this.adjacentParent = adjacentParent;
      this.start = start;
      this.end = end;
    }
  }

  private record IteratorState(String stream, String shardId, int index, long createdMillis) {}

  private final Time time;
  private final Map<String, Map<String, FakeShard>> streams = new LinkedHashMap<>();
  private final Map<String, Integer> retentionHours = new HashMap<>();
  private final Map<String, IteratorState> iterators = new HashMap<>();
  private final Map<Op, Deque<Supplier<Throwable>>> failures = new EnumMap<>(Op.class);
  private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<Runnable> held = new ArrayList<>();
  private final Map<String, List<Integer>> getRecordsLimits = new HashMap<>();
  private long sequence = 1_000_000;
  private int nextIterator;
  private int listShardsPageSize = 100;
  private boolean ignoreShardFilter;
  private boolean hold;
  private boolean closed;

  public FakeKinesis(Time time) {
    this.time = time;
  }

  // ------------------------------------------------------------------ test API

  public synchronized void createStream(String stream, int shardCount) {
    Map<String, FakeShard> shards = new LinkedHashMap<>();
    BigInteger width = MAX_HASH.add(BigInteger.ONE).divide(BigInteger.valueOf(shardCount));
    for (int i = 0; i < shardCount; i++) {
      BigInteger start = width.multiply(BigInteger.valueOf(i));
      BigInteger end = i == shardCount - 1 ? MAX_HASH : start.add(width).subtract(BigInteger.ONE);
      String id = shardId(i);
      shards.put(id, new FakeShard(id, null, null, start, end));
    }
    streams.put(stream, shards);
    retentionHours.put(stream, 24);
  }

  /** Puts a record; returns the id of the shard it went to. */
  public synchronized String put(String stream, String partitionKey, byte[] data) {
    BigInteger hash = md5(partitionKey);
    for (FakeShard shard : shards(stream).values()) {
      if (!shard.closed && hash.compareTo(shard.start) >= 0 && hash.compareTo(shard.end) <= 0) {
        shard.records.add(record(partitionKey, data));
        return shard.id;
      }
    }
    throw new IllegalStateException("no open shard for " + partitionKey);
  }

  /** Puts a record straight into a shard (open or not, as a test needs). */
  public synchronized Record putToShard(
      String stream, String shardId, String partitionKey, byte[] data) {
    Record record = record(partitionKey, data);
    shards(stream).get(shardId).records.add(record);
    return record;
  }

  public String put(String stream, String partitionKey, String text) {
    return put(stream, partitionKey, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Splits a shard in two halves; returns the children's ids. */
  public synchronized List<String> split(String stream, String shardId) {
    Map<String, FakeShard> shards = shards(stream);
    FakeShard parent = shards.get(shardId);
    parent.closed = true;
    BigInteger mid = parent.start.add(parent.end).shiftRight(1);
    FakeShard a = new FakeShard(shardId(shards.size()), shardId, null, parent.start, mid);
    shards.put(a.id, a);
    FakeShard b =
        new FakeShard(shardId(shards.size()), shardId, null, mid.add(BigInteger.ONE), parent.end);
    shards.put(b.id, b);
    parent.children.addAll(List.of(a.id, b.id));
    return List.of(a.id, b.id);
  }

  /** Merges two adjacent shards; returns the child's id. */
  public synchronized String merge(String stream, String shardId, String adjacentShardId) {
    Map<String, FakeShard> shards = shards(stream);
    FakeShard first = shards.get(shardId);
    FakeShard second = shards.get(adjacentShardId);
    first.closed = true;
    second.closed = true;
    FakeShard child =
        new FakeShard(
            shardId(shards.size()),
            shardId,
            adjacentShardId,
            first.start.min(second.start),
            first.end.max(second.end));
    shards.put(child.id, child);
    first.children.add(child.id);
    second.children.add(child.id);
    return child.id;
  }

  public synchronized List<String> shardIds(String stream) {
    return List.copyOf(shards(stream).keySet());
  }

  public synchronized List<Record> records(String stream, String shardId) {
    return List.copyOf(shards(stream).get(shardId).records);
  }

  /** The next {@code times} calls of {@code op} fail with what {@code error} makes. */
  public synchronized void failNext(Op op, int times, Supplier<Throwable> error) {
    Deque<Supplier<Throwable>> queue = failures.computeIfAbsent(op, o -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      queue.add(error);
    }
  }

  public synchronized void listShardsPageSize(int size) {
    this.listShardsPageSize = size;
  }

  /** Lists every shard whatever the filter says, as kinesalite does. */
  public synchronized void ignoreShardFilter(boolean ignore) {
    this.ignoreShardFilter = ignore;
  }

  public synchronized void retentionHours(String stream, int hours) {
    retentionHours.put(stream, hours);
  }

  /** While on, calls complete only when {@link #release()} is called. */
  public synchronized void hold(boolean hold) {
    this.hold = hold;
  }

  /** Completes the held calls. */
  public void release() {
    List<Runnable> toRun;
    synchronized (this) {
      toRun = List.copyOf(held);
      held.clear();
    }
    toRun.forEach(Runnable::run);
  }

  public synchronized int heldCalls() {
    return held.size();
  }

  public List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  public List<Call> calls(Op op, String shardId) {
    return calls().stream()
        .filter(c -> c.op() == op && (shardId == null || shardId.equals(c.shardId())))
        .toList();
  }

  /** The limit of each GetRecords call on the shard, in order. */
  public synchronized List<Integer> getRecordsLimits(String shardId) {
    return List.copyOf(getRecordsLimits.getOrDefault(shardId, List.of()));
  }

  public boolean isClosed() {
    return closed;
  }

  // ------------------------------------------------------------------ KinesisProxy

  @Override
  public CompletableFuture<StreamDescriptionSummary> describeStreamSummary(String stream) {
    return call(
        Op.DESCRIBE_STREAM_SUMMARY,
        null,
        () -> {
          shards(stream);
          return StreamDescriptionSummary.builder()
              .streamName(stream)
              .retentionPeriodHours(retentionHours.get(stream))
              .build();
        });
  }

  @Override
  public CompletableFuture<ListShardsResponse> listShards(
      String stream, String afterShardId, String nextToken) {
    return call(
        Op.LIST_SHARDS,
        null,
        () -> {
          String name = stream;
          String after = afterShardId;
          int offset = 0;
          if (nextToken != null) {
            String[] parts = nextToken.split("\\|", -1);
            name = parts[0];
            after = parts[1].isEmpty() ? null : parts[1];
            offset = Integer.parseInt(parts[2]);
          }
          List<Shard> all = new ArrayList<>();
          for (FakeShard s : shards(name).values()) {
            if (after == null || ignoreShardFilter || s.id.compareTo(after) > 0) {
              all.add(toShard(s));
            }
          }
          int to = Math.min(all.size(), offset + listShardsPageSize);
          ListShardsResponse.Builder response =
              ListShardsResponse.builder().shards(all.subList(offset, to));
          if (to < all.size()) {
            response.nextToken(name + "|" + (after == null ? "" : after) + "|" + to);
          }
          return response.build();
        });
  }

  @Override
  public CompletableFuture<String> getShardIterator(
      String stream,
      String shardId,
      ShardIteratorType type,
      String sequenceNumber,
      Instant timestamp) {
    return call(
        Op.GET_SHARD_ITERATOR,
        shardId,
        () -> {
          FakeShard shard = shards(stream).get(shardId);
          if (shard == null) {
            throw ResourceNotFoundException.builder()
                .message("Shard " + shardId + " in stream " + stream + " does not exist")
                .statusCode(400)
                .build();
          }
          int index =
              switch (type) {
                case TRIM_HORIZON -> 0;
                case LATEST -> shard.records.size();
                case AT_SEQUENCE_NUMBER -> indexOf(shard, sequenceNumber);
                case AFTER_SEQUENCE_NUMBER -> indexOf(shard, sequenceNumber) + 1;
                case AT_TIMESTAMP -> {
                  int i = 0;
                  while (i < shard.records.size()
                      && shard.records.get(i).approximateArrivalTimestamp().isBefore(timestamp)) {
                    i++;
                  }
                  yield i;
                }
                default -> throw new IllegalArgumentException(type.toString());
              };
          return newIterator(stream, shardId, index);
        });
  }

  @Override
  public CompletableFuture<GetRecordsResponse> getRecords(
      String stream, String shardIterator, int limit) {
    IteratorState state;
    synchronized (this) {
      state = iterators.get(shardIterator);
      if (state != null) {
        getRecordsLimits.computeIfAbsent(state.shardId(), id -> new ArrayList<>()).add(limit);
      }
    }
    return call(
        Op.GET_RECORDS,
        state == null ? null : state.shardId(),
        () -> {
          if (state == null) {
            throw InvalidArgumentException.builder()
                .message("Invalid ShardIterator")
                .statusCode(400)
                .build();
          }
          if (time.milliseconds() - state.createdMillis() > ITERATOR_LIFETIME_MILLIS) {
            throw ExpiredIteratorException.builder()
                .message("Iterator expired")
                .statusCode(400)
                .build();
          }
          FakeShard shard = shards(state.stream()).get(state.shardId());
          int to = Math.min(shard.records.size(), state.index() + limit);
          List<Record> page = List.copyOf(shard.records.subList(state.index(), to));
          GetRecordsResponse.Builder response = GetRecordsResponse.builder().records(page);
          boolean atEnd = to == shard.records.size();
          if (shard.closed && atEnd) {
            // kinesis-local: the last page carries records, no next iterator and the children
            List<ChildShard> children = new ArrayList<>();
            for (String child : shard.children) {
              FakeShard c = shards(state.stream()).get(child);
              List<String> parents = new ArrayList<>();
              parents.add(c.parent);
              if (c.adjacentParent != null) {
                parents.add(c.adjacentParent);
              }
              children.add(
                  ChildShard.builder()
                      .shardId(child)
                      .parentShards(parents)
                      .hashKeyRange(range(c))
                      .build());
            }
            response.childShards(children).millisBehindLatest(0L);
          } else {
            response.nextShardIterator(newIterator(state.stream(), state.shardId(), to));
            response.millisBehindLatest(
                atEnd
                    ? 0L
                    : Math.max(
                        0,
                        time.milliseconds()
                            - shard.records.get(to).approximateArrivalTimestamp().toEpochMilli()));
          }
          return response.build();
        });
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  // ------------------------------------------------------------------ internals

  private <T> CompletableFuture<T> call(Op op, String shardId, Supplier<T> body) {
    calls.add(new Call(op, shardId, time.nanoseconds()));
    CompletableFuture<T> future = new CompletableFuture<>();
    Runnable run;
    synchronized (this) {
      Deque<Supplier<Throwable>> queue = failures.get(op);
      Supplier<Throwable> failure = queue == null ? null : queue.poll();
      if (failure != null) {
        Throwable error = failure.get();
        run = () -> future.completeExceptionally(error);
      } else {
        T result;
        try {
          result = body.get();
        } catch (RuntimeException e) {
          run = () -> future.completeExceptionally(e);
          return hold(future, run);
        }
        T value = result;
        run = () -> future.complete(value);
      }
    }
    return hold(future, run);
  }

  private <T> CompletableFuture<T> hold(CompletableFuture<T> future, Runnable run) {
    synchronized (this) {
      if (hold) {
        held.add(run);
        return future;
      }
    }
    run.run();
    return future;
  }

  private Map<String, FakeShard> shards(String stream) {
    Map<String, FakeShard> shards = streams.get(stream);
    if (shards == null) {
      throw ResourceNotFoundException.builder()
          .message("Stream " + stream + " under account 000000000000 not found.")
          .statusCode(400)
          .build();
    }
    return shards;
  }

  private synchronized String newIterator(String stream, String shardId, int index) {
    String token = "it-" + nextIterator++;
    iterators.put(token, new IteratorState(stream, shardId, index, time.milliseconds()));
    return token;
  }

  private static int indexOf(FakeShard shard, String sequenceNumber) {
    for (int i = 0; i < shard.records.size(); i++) {
      if (shard.records.get(i).sequenceNumber().equals(sequenceNumber)) {
        return i;
      }
    }
    throw InvalidArgumentException.builder()
        .message("No record with sequence number " + sequenceNumber)
        .statusCode(400)
        .build();
  }

  private Record record(String partitionKey, byte[] data) {
    return Record.builder()
        .partitionKey(partitionKey)
        .data(SdkBytes.fromByteArray(data))
        .sequenceNumber("4959" + String.format("%040d", sequence++))
        .approximateArrivalTimestamp(Instant.ofEpochMilli(time.milliseconds()))
        .build();
  }

  private static Shard toShard(FakeShard s) {
    return Shard.builder()
        .shardId(s.id)
        .parentShardId(s.parent)
        .adjacentParentShardId(s.adjacentParent)
        .hashKeyRange(range(s))
        .sequenceNumberRange(
            SequenceNumberRange.builder()
                .startingSequenceNumber("0")
                .endingSequenceNumber(s.closed ? String.valueOf(Long.MAX_VALUE) : null)
                .build())
        .build();
  }

  private static HashKeyRange range(FakeShard s) {
    return HashKeyRange.builder()
        .startingHashKey(s.start.toString())
        .endingHashKey(s.end.toString())
        .build();
  }

  private static String shardId(int index) {
    return String.format("shardId-%012d", index);
  }

  static BigInteger md5(String key) {
    try {
      return new BigInteger(
          1, MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
