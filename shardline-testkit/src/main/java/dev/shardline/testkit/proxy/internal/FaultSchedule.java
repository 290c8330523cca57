package dev.shardline.testkit.proxy.internal;

import dev.shardline.testkit.proxy.Fault;
import dev.shardline.testkit.proxy.Operation;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;

/**
 * The faults armed on a proxy, consumed in the order they were armed: a request takes the oldest
 * rule that matches its operation. Thread-safe.
 */
public final class FaultSchedule {

  private static final class Rule {
    final Operation operation; // null: any operation
    final Fault fault;
    int remaining;

    Rule(Operation operation, Fault fault, int remaining) {
      this.operation = operation;
      this.fault = fault;
      this.remaining = remaining;
    }

    boolean matches(Operation candidate) {
      return (operation == null || operation == candidate) && fault.appliesTo(candidate);
    }
  }

  private final Deque<Rule> rules = new ArrayDeque<>();

  /**
   * Arms {@code fault} for the next {@code times} requests of {@code operation} (null: of any
   * operation the fault applies to).
   */
  public synchronized void arm(Operation operation, int times, Fault fault) {
    rules.addLast(new Rule(operation, fault, times));
  }

  /** The fault the next request of {@code operation} gets, if one is armed; consumes it. */
  public synchronized Optional<Fault> take(Operation operation) {
    for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
      Rule rule = it.next();
      if (rule.matches(operation)) {
        if (--rule.remaining == 0) {
          it.remove();
        }
        return Optional.of(rule.fault);
      }
    }
    return Optional.empty();
  }

  /** How many injections are still armed, over all rules. */
  public synchronized int pending() {
    return rules.stream().mapToInt(rule -> rule.remaining).sum();
  }

  public synchronized void clear() {
    rules.clear();
  }
}
