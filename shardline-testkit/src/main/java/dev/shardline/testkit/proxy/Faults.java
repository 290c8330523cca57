package dev.shardline.testkit.proxy;

import dev.shardline.testkit.proxy.internal.CounterBook;
import dev.shardline.testkit.proxy.internal.FaultSchedule;
import dev.shardline.testkit.proxy.internal.ShardRef;
import dev.shardline.testkit.proxy.internal.Subscriptions;
import java.util.Objects;

/**
 * Arms faults on a {@link KinesisQuotaProxy}: the next <i>n</i> requests of an operation (or of any
 * operation) get a {@link Fault} instead of the server's answer. Rules are consumed in the order
 * they were armed; a request takes the oldest rule matching its operation. Thread-safe: tests may
 * arm faults while clients run.
 *
 * <pre>{@code
 * proxy.faults().failNext(Operation.GET_RECORDS, 3, Fault.INTERNAL_ERROR); // 3 GetRecords get 500
 * proxy.faults().failNext(1, Fault.DROP_CONNECTION); // whatever comes next loses its connection
 * proxy.faults().clear();
 * }</pre>
 *
 * <p>Nothing is armed by default. Injections are counted in {@link
 * ProxyCounters#injectedFaults(Fault.Kind)}.
 */
public final class Faults {
  private final FaultSchedule schedule;
  private final Subscriptions subscriptions;
  private final CounterBook counters;

  Faults(FaultSchedule schedule, Subscriptions subscriptions, CounterBook counters) {
    this.schedule = schedule;
    this.subscriptions = subscriptions;
    this.counters = counters;
  }

  /**
   * The next {@code times} requests of {@code operation} get {@code fault}.
   *
   * @throws IllegalArgumentException when {@code times} is not positive, or the fault cannot apply
   *     to the operation ({@link Fault#EXPIRED_ITERATOR} is for {@link Operation#GET_RECORDS} only)
   */
  public void failNext(Operation operation, int times, Fault fault) {
    Objects.requireNonNull(operation, "operation cannot be null");
    Objects.requireNonNull(fault, "fault cannot be null");
    requirePositive(times);
    if (!fault.appliesTo(operation)) {
      throw new IllegalArgumentException(
          fault + " cannot be injected into " + operation + "; it applies to GET_RECORDS only");
    }
    schedule.arm(operation, times, fault);
  }

  /**
   * The next {@code times} requests, whatever their operation, get {@code fault}. {@link
   * Fault#EXPIRED_ITERATOR} only hits {@code GetRecords} requests; other requests pass it by.
   *
   * @throws IllegalArgumentException when {@code times} is not positive
   */
  public void failNext(int times, Fault fault) {
    Objects.requireNonNull(fault, "fault cannot be null");
    requirePositive(times);
    schedule.arm(null, times, fault);
  }

  /**
   * Drops, now, every SubscribeToShard stream the proxy relays for the shard (of any consumer):
   * both connections close mid-stream without a final chunk, as in a network drop (the SDK's
   * subscriber gets {@code exceptionOccurred}, an {@code IOException} or {@code
   * SdkClientException}). Each counts as an injected {@link Fault.Kind#DROP_CONNECTION}.
   *
   * @return how many subscriptions were dropped (0 when none was active)
   */
  public int dropSubscriptions(String stream, String shardId) {
    int dropped = subscriptions.drop(shard(stream, shardId));
    for (int i = 0; i < dropped; i++) {
      counters.injected(Fault.Kind.DROP_CONNECTION);
    }
    return dropped;
  }

  /**
   * The next {@code times} SubscribeToShard calls on the shard (of any consumer) are answered HTTP
   * 400 {@code ResourceInUseException}, AWS's answer while a consumer is not ACTIVE yet; they do
   * not reach the server nor count against the subscribe quota. Counted as injected {@link
   * Fault.Kind#RESOURCE_IN_USE}; included in {@link #pending()}, disarmed by {@link #clear()}.
   *
   * @throws IllegalArgumentException when {@code times} is not positive
   */
  public void refuseSubscriptions(String stream, String shardId, int times) {
    requirePositive(times);
    subscriptions.refuseNext(shard(stream, shardId), times);
  }

  /** How many injections are armed and not yet used (subscription refusals included). */
  public int pending() {
    return schedule.pending() + subscriptions.pendingRefusals();
  }

  /** Disarms every fault (subscription refusals included). */
  public void clear() {
    schedule.clear();
    subscriptions.clearRefusals();
  }

  private static ShardRef shard(String stream, String shardId) {
    return new ShardRef(
        Objects.requireNonNull(stream, "stream cannot be null"),
        Objects.requireNonNull(shardId, "shardId cannot be null"));
  }

  private static void requirePositive(int times) {
    if (times <= 0) {
      throw new IllegalArgumentException("times must be positive, was " + times);
    }
  }
}
