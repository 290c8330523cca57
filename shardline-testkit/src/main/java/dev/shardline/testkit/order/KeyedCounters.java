package dev.shardline.testkit.order;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks records of the form {@code <key>:<counter>} (each key's counters written 0, 1, 2, ... in
 * order) as read back: for tests of per-key order across resharding, failures and restarts. Every
 * record out of its key's order, duplicated or after a gap is a violation. Immutable.
 *
 * <pre>{@code
 * KeyedCounters read = KeyedCounters.check(valuesInReadOrder);
 * assertThat(read.violations()).isEmpty();
 * assertThat(read.nextCounter("key-3")).isEqualTo(written[3]);
 * }</pre>
 *
 * @param violations each record out of order, duplicated or after a gap, with what was expected
 * @param next per key, the counter after its last record in order (how many were read in order)
 */
public record KeyedCounters(List<String> violations, Map<String, Long> next) {

  public KeyedCounters {
    violations = List.copyOf(violations);
    next = Map.copyOf(next);
  }

  /** Checks {@code values}, in the order they were read (one key's records in one sequence). */
  public static KeyedCounters check(Iterable<String> values) {
    Map<String, Long> next = new HashMap<>();
    List<String> violations = new ArrayList<>();
    for (String value : values) {
      int colon = value.indexOf(':');
      String key = value.substring(0, colon);
      long counter = Long.parseLong(value.substring(colon + 1));
      long expected = next.getOrDefault(key, 0L);
      if (counter != expected) {
        violations.add(value + " (expected " + expected + ")");
      }
      next.put(key, counter + 1);
    }
    return new KeyedCounters(violations, next);
  }

  /** The counter after {@code key}'s last record (0 when none was read). */
  public long nextCounter(String key) {
    return next.getOrDefault(key, 0L);
  }
}
