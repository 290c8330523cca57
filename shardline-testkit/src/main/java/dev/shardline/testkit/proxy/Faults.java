package dev.shardline.testkit.proxy;

import dev.shardline.testkit.proxy.internal.FaultSchedule;
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

  Faults(FaultSchedule schedule) {
    this.schedule = schedule;
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

  /** How many injections are armed and not yet used. */
  public int pending() {
    return schedule.pending();
  }

  /** Disarms every fault. */
  public void clear() {
    schedule.clear();
  }

  private static void requirePositive(int times) {
    if (times <= 0) {
      throw new IllegalArgumentException("times must be positive, was " + times);
    }
  }
}
