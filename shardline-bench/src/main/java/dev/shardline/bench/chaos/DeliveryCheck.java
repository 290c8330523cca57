package dev.shardline.bench.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks one pipeline's output against what is in the stream. The output is fed record by record in
 * the order a reader of that output sees each key's records ({@link #deliver}); then {@link
 * #against} counts:
 *
 * <ul>
 *   <li><b>lost</b>: records in the stream (or acknowledged by Kinesis to the writer) that are not
 *       in the output;
 *   <li><b>duplicated</b>: copies in the output beyond the copies in the stream (a record the
 *       writer had to send twice after an ambiguous failure is in the stream twice; its two copies
 *       in the output are not the pipeline's duplicates);
 *   <li><b>order violations</b>: records delivered for the first time after a record of the same
 *       key with a higher counter (a duplicate replayed late counts as a duplicate, not also as an
 *       order violation);
 *   <li><b>foreign</b>: output records that are not records of the writer's, or not in the stream.
 * </ul>
 *
 * Not thread-safe.
 */
final class DeliveryCheck {
  private static final int EXAMPLES = 5;

  /** The counts of one output. */
  record Counts(
      long written,
      long inStream,
      long records,
      long distinct,
      long lost,
      long duplicated,
      long orderViolations,
      long foreign,
      List<String> examples) {

    /** Whether every must-be-zero count is zero. */
    boolean clean() {
      return lost == 0 && duplicated == 0 && orderViolations == 0 && foreign == 0;
    }
  }

  /** What the writer wrote: per key, each counter's copies in the stream, and the acknowledged. */
  record Expected(Map<String, Map<Long, Integer>> inStream, Map<String, Long> acknowledged) {}

  private final Map<String, Map<Long, Integer>> delivered = new HashMap<>();
  private final Map<String, Long> highest = new HashMap<>();
  private final List<String> orderExamples = new ArrayList<>();
  private final List<String> foreignExamples = new ArrayList<>();
  private long records;
  private long orderViolations;
  private long foreign;

  /**
   * One output record, with where it was found (for the examples). {@code value} is the record's
   * text as the writer wrote it ({@code key-7:41:xxxx}).
   */
  void deliver(String value, String where) {
    records++;
    int first = value.indexOf(':');
    int second = first < 0 ? -1 : value.indexOf(':', first + 1);
    long counter;
    try {
      counter = second < 0 ? -1 : Long.parseLong(value.substring(first + 1, second));
    } catch (NumberFormatException e) {
      counter = -1;
    }
    if (counter < 0) {
      foreign++;
      example(foreignExamples, "not a writer's record at " + where + ": " + abbreviate(value));
      return;
    }
    String key = value.substring(0, first);
    int copies =
        delivered.computeIfAbsent(key, k -> new HashMap<>()).merge(counter, 1, Integer::sum);
    long top = highest.getOrDefault(key, -1L);
    if (copies == 1 && counter < top) {
      orderViolations++;
      example(
          orderExamples, key + ":" + counter + " at " + where + " came after " + key + ":" + top);
    }
    highest.put(key, Math.max(top, counter));
  }

  /** The counts against what the stream holds. */
  Counts against(Expected expected) {
    long written = 0;
    long inStream = 0;
    long lost = 0;
    long duplicated = 0;
    long distinct = 0;
    List<String> lostExamples = new ArrayList<>();
    List<String> duplicateExamples = new ArrayList<>();
    Map<String, Map<Long, Integer>> wanted = new HashMap<>();
    expected.inStream().forEach((key, copies) -> wanted.put(key, new HashMap<>(copies)));
    expected
        .acknowledged()
        .forEach(
            (key, count) -> {
              Map<Long, Integer> copies = wanted.computeIfAbsent(key, k -> new HashMap<>());
              for (long c = 0; c < count; c++) {
                copies.putIfAbsent(c, 0); // acknowledged but not read back: still owed
              }
            });
    for (long count : expected.acknowledged().values()) {
      written += count;
    }
    for (Map.Entry<String, Map<Long, Integer>> key : wanted.entrySet()) {
      Map<Long, Integer> got = delivered.getOrDefault(key.getKey(), Map.of());
      for (Map.Entry<Long, Integer> record : key.getValue().entrySet()) {
        int streamCopies = record.getValue();
        if (streamCopies > 0) {
          inStream++;
        }
        int outputCopies = got.getOrDefault(record.getKey(), 0);
        if (outputCopies == 0) {
          lost++;
          example(lostExamples, key.getKey() + ":" + record.getKey());
        } else {
          distinct++;
          int extra = outputCopies - Math.max(1, streamCopies);
          if (extra > 0) {
            duplicated += extra;
            example(
                duplicateExamples,
                key.getKey() + ":" + record.getKey() + " " + outputCopies + " times");
          }
        }
      }
    }
    long unknown = 0;
    for (Map.Entry<String, Map<Long, Integer>> key : delivered.entrySet()) {
      Map<Long, Integer> owed = wanted.getOrDefault(key.getKey(), Map.of());
      for (Map.Entry<Long, Integer> record : key.getValue().entrySet()) {
        if (!owed.containsKey(record.getKey())) {
          unknown += record.getValue();
          example(
              foreignExamples,
              key.getKey() + ":" + record.getKey() + " is not in the stream nor acknowledged");
        }
      }
    }
    List<String> examples = new ArrayList<>();
    lostExamples.forEach(e -> examples.add("lost " + e));
    duplicateExamples.forEach(e -> examples.add("duplicated " + e));
    orderExamples.forEach(e -> examples.add("order " + e));
    foreignExamples.forEach(e -> examples.add("foreign " + e));
    return new Counts(
        written,
        inStream,
        records,
        distinct,
        lost,
        duplicated,
        orderViolations,
        foreign + unknown,
        examples);
  }

  /** Distinct records delivered so far (for the drain's progress). */
  long distinct() {
    long distinct = 0;
    for (Map<Long, Integer> copies : delivered.values()) {
      distinct += copies.size();
    }
    return distinct;
  }

  private static void example(List<String> examples, String example) {
    if (examples.size() < EXAMPLES) {
      examples.add(example);
    }
  }

  private static String abbreviate(String value) {
    return value.length() <= 60 ? value : value.substring(0, 60) + "...";
  }
}
