package dev.shardline.testkit.proxy.internal;

import dev.shardline.testkit.proxy.Fault;
import dev.shardline.testkit.proxy.Operation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What a proxy has done, counted. Thread-safe; counts are exact once traffic has stopped. */
public final class CounterBook {
  private final Map<Operation, LongAdder> forwarded = new ConcurrentHashMap<>();
  private final Map<ShardRef, LongAdder> acceptedRecords = new ConcurrentHashMap<>();
  private final Map<ShardRef, LongAdder> throttledRecords = new ConcurrentHashMap<>();
  private final Map<ShardRef, LongAdder> throttledPutRecordCalls = new ConcurrentHashMap<>();
  private final Map<ShardRef, LongAdder> throttledGetRecordsCalls = new ConcurrentHashMap<>();
  private final Map<Fault.Kind, LongAdder> faults = new ConcurrentHashMap<>();
  private final LongAdder shardMapRefreshes = new LongAdder();
  private final Map<ShardRef, LongAdder> subscriptionsOpened = new ConcurrentHashMap<>();
  private final Map<ShardRef, LongAdder> subscribeEventsForwarded = new ConcurrentHashMap<>();
  private final Map<ShardRef, LongAdder> throttledSubscribeCalls = new ConcurrentHashMap<>();
  private final Map<ShardRef, LongAdder> subscriptionsEndedWithChildShards =
      new ConcurrentHashMap<>();

  public void forwarded(Operation operation) {
    increment(forwarded, operation, 1);
  }

  public void acceptedRecords(ShardRef shard, long records) {
    increment(acceptedRecords, shard, records);
  }

  public void throttledRecords(ShardRef shard, long records) {
    increment(throttledRecords, shard, records);
  }

  public void throttledPutRecordCall(ShardRef shard) {
    increment(throttledPutRecordCalls, shard, 1);
  }

  public void throttledGetRecordsCall(ShardRef shard) {
    increment(throttledGetRecordsCalls, shard, 1);
  }

  public void injected(Fault.Kind kind) {
    increment(faults, kind, 1);
  }

  public void shardMapRefreshed() {
    shardMapRefreshes.increment();
  }

  public void subscriptionOpened(ShardRef shard) {
    increment(subscriptionsOpened, shard, 1);
  }

  public void subscribeEventForwarded(ShardRef shard) {
    increment(subscribeEventsForwarded, shard, 1);
  }

  public void throttledSubscribeCall(ShardRef shard) {
    increment(throttledSubscribeCalls, shard, 1);
  }

  public void subscriptionEndedWithChildShards(ShardRef shard) {
    increment(subscriptionsEndedWithChildShards, shard, 1);
  }

  public long subscriptionsOpened(ShardRef shard) {
    return shard == null ? sum(subscriptionsOpened) : get(subscriptionsOpened, shard);
  }

  public long subscribeEventsForwarded(ShardRef shard) {
    return shard == null ? sum(subscribeEventsForwarded) : get(subscribeEventsForwarded, shard);
  }

  public long throttledSubscribeCalls(ShardRef shard) {
    return shard == null ? sum(throttledSubscribeCalls) : get(throttledSubscribeCalls, shard);
  }

  public long subscriptionsEndedWithChildShards(ShardRef shard) {
    return shard == null
        ? sum(subscriptionsEndedWithChildShards)
        : get(subscriptionsEndedWithChildShards, shard);
  }

  public long forwarded(Operation operation, boolean total) {
    return total ? sum(forwarded) : get(forwarded, operation);
  }

  public long acceptedRecords(ShardRef shard) {
    return shard == null ? sum(acceptedRecords) : get(acceptedRecords, shard);
  }

  public long throttledRecords(ShardRef shard) {
    return shard == null ? sum(throttledRecords) : get(throttledRecords, shard);
  }

  public long throttledPutRecordCalls(ShardRef shard) {
    return shard == null ? sum(throttledPutRecordCalls) : get(throttledPutRecordCalls, shard);
  }

  public long throttledGetRecordsCalls(ShardRef shard) {
    return shard == null ? sum(throttledGetRecordsCalls) : get(throttledGetRecordsCalls, shard);
  }

  public long injectedFaults(Fault.Kind kind) {
    return kind == null ? sum(faults) : get(faults, kind);
  }

  public long shardMapRefreshes() {
    return shardMapRefreshes.sum();
  }

  public void reset() {
    forwarded.clear();
    acceptedRecords.clear();
    throttledRecords.clear();
    throttledPutRecordCalls.clear();
    throttledGetRecordsCalls.clear();
    faults.clear();
    shardMapRefreshes.reset();
    subscriptionsOpened.clear();
    subscribeEventsForwarded.clear();
    throttledSubscribeCalls.clear();
    subscriptionsEndedWithChildShards.clear();
  }

  private static <K> void increment(Map<K, LongAdder> counters, K key, long by) {
    counters.computeIfAbsent(key, k -> new LongAdder()).add(by);
  }

  private static <K> long get(Map<K, LongAdder> counters, K key) {
    LongAdder adder = counters.get(key);
    return adder == null ? 0 : adder.sum();
  }

  private static <K> long sum(Map<K, LongAdder> counters) {
    return counters.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
