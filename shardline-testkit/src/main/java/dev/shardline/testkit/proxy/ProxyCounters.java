package dev.shardline.testkit.proxy;

import dev.shardline.testkit.proxy.internal.CounterBook;
import dev.shardline.testkit.proxy.internal.ShardRef;
import java.util.Objects;

/**
 * What a {@link KinesisQuotaProxy} has done since it started or since {@link #reset()}: records
 * accepted and throttled, calls throttled, faults injected, requests forwarded. All counters start
 * at zero. Thread-safe; read them once the traffic a test asserts on has completed (a client has
 * its answer only after the proxy counted it).
 *
 * <pre>{@code
 * assertThat(proxy.counters().throttledRecords()).isEqualTo(failedRecordCount);
 * assertThat(proxy.counters().injectedFaults(Fault.Kind.TIMEOUT)).isEqualTo(1);
 * }</pre>
 *
 * <p>Shards are named by stream name and shard id ({@code "orders"}, {@code
 * "shardId-000000000000"}).
 */
public final class ProxyCounters {
  private final CounterBook book;

  ProxyCounters(CounterBook book) {
    this.book = book;
  }

  /**
   * Requests of {@code operation} sent to the upstream server on a client's behalf (a PutRecords
   * rewritten to its accepted records counts once; one whose records were all throttled, or a
   * faulted request, not at all; the proxy's own ListShards calls are not counted here).
   */
  public long forwardedRequests(Operation operation) {
    return book.forwarded(Objects.requireNonNull(operation, "operation cannot be null"), false);
  }

  /** Requests of every operation sent to the upstream server on a client's behalf. */
  public long forwardedRequests() {
    return book.forwarded(null, true);
  }

  /**
   * Records PutRecords and PutRecord let through the write quota, on every shard; records of a
   * write the server then failed as a whole are taken off again (their quota was given back).
   */
  public long acceptedRecords() {
    return book.acceptedRecords(null);
  }

  /** {@link #acceptedRecords()} of one shard. */
  public long acceptedRecords(String stream, String shardId) {
    return book.acceptedRecords(new ShardRef(stream, shardId));
  }

  /** Records rejected inside PutRecords responses with ProvisionedThroughputExceededException. */
  public long throttledRecords() {
    return book.throttledRecords(null);
  }

  /** PutRecords records of one shard rejected with ProvisionedThroughputExceededException. */
  public long throttledRecords(String stream, String shardId) {
    return book.throttledRecords(new ShardRef(stream, shardId));
  }

  /** PutRecord calls answered 400 ProvisionedThroughputExceededException. */
  public long throttledPutRecordCalls() {
    return book.throttledPutRecordCalls(null);
  }

  /** PutRecord calls to one shard answered 400 ProvisionedThroughputExceededException. */
  public long throttledPutRecordCalls(String stream, String shardId) {
    return book.throttledPutRecordCalls(new ShardRef(stream, shardId));
  }

  /** GetRecords calls answered 400 ProvisionedThroughputExceededException. */
  public long throttledGetRecordsCalls() {
    return book.throttledGetRecordsCalls(null);
  }

  /** GetRecords calls on one shard answered 400 ProvisionedThroughputExceededException. */
  public long throttledGetRecordsCalls(String stream, String shardId) {
    return book.throttledGetRecordsCalls(new ShardRef(stream, shardId));
  }

  /** Faults of one kind injected. */
  public long injectedFaults(Fault.Kind kind) {
    return book.injectedFaults(Objects.requireNonNull(kind, "kind cannot be null"));
  }

  /** Faults of every kind injected. */
  public long injectedFaults() {
    return book.injectedFaults(null);
  }

  /** How often the proxy listed a stream's shards (ListShards against the upstream) to route. */
  public long shardMapRefreshes() {
    return book.shardMapRefreshes();
  }

  /**
   * SubscribeToShard streams the proxy started relaying to a client (the server answered with an
   * event stream), on every shard.
   */
  public long subscriptionsOpened() {
    return book.subscriptionsOpened(null);
  }

  /** {@link #subscriptionsOpened()} of one shard. */
  public long subscriptionsOpened(String stream, String shardId) {
    return book.subscriptionsOpened(new ShardRef(stream, shardId));
  }

  /**
   * {@code SubscribeToShardEvent} messages forwarded to clients (the proxy's own final {@code
   * ChildShards} events included), on every shard.
   */
  public long subscribeEventsForwarded() {
    return book.subscribeEventsForwarded(null);
  }

  /** {@link #subscribeEventsForwarded()} of one shard. */
  public long subscribeEventsForwarded(String stream, String shardId) {
    return book.subscribeEventsForwarded(new ShardRef(stream, shardId));
  }

  /** SubscribeToShard calls answered 400 LimitExceededException (over 1 per second). */
  public long throttledSubscribeCalls() {
    return book.throttledSubscribeCalls(null);
  }

  /** {@link #throttledSubscribeCalls()} of one shard. */
  public long throttledSubscribeCalls(String stream, String shardId) {
    return book.throttledSubscribeCalls(new ShardRef(stream, shardId));
  }

  /** Subscriptions of closed shards the proxy ended with a final {@code ChildShards} event. */
  public long subscriptionsEndedWithChildShards() {
    return book.subscriptionsEndedWithChildShards(null);
  }

  /** {@link #subscriptionsEndedWithChildShards()} of one shard. */
  public long subscriptionsEndedWithChildShards(String stream, String shardId) {
    return book.subscriptionsEndedWithChildShards(new ShardRef(stream, shardId));
  }

  /** Sets every counter back to zero. Quotas and armed faults are left as they are. */
  public void reset() {
    book.reset();
  }

  @Override
  public String toString() {
    return "ProxyCounters{forwarded="
        + forwardedRequests()
        + ", acceptedRecords="
        + acceptedRecords()
        + ", throttledRecords="
        + throttledRecords()
        + ", throttledPutRecordCalls="
        + throttledPutRecordCalls()
        + ", throttledGetRecordsCalls="
        + throttledGetRecordsCalls()
        + ", injectedFaults="
        + injectedFaults()
        + "}";
  }
}
