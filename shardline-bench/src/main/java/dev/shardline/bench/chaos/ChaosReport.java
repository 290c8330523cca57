package dev.shardline.bench.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end of a chaos run: per pipeline the delivery counts, and what the chaos did, rendered as a
 * table. Immutable once built.
 *
 * @param titles per pipeline the title of its column, e.g. "Kinesis -> Kafka (EO)"
 * @param counts per pipeline ("kafka", "file") its delivery counts
 * @param facts per pipeline, lines of the table besides the counts (runs, kills, final stop)
 * @param chaos what the chaos did (resharding, broker restarts, throttling, faults), one per line
 * @param notes what a reader should look at: runs that exited by themselves, examples of lost,
 *     duplicated or out-of-order records, open transactions
 */
public record ChaosReport(
    Map<String, String> titles,
    Map<String, DeliveryCheck.Counts> counts,
    Map<String, List<String>> facts,
    List<String> chaos,
    List<String> notes) {

  /** The pipelines checked, in the order of the table's columns. */
  public List<String> pipelines() {
    return List.copyOf(counts.keySet());
  }

  /** Whether every must-be-zero count of every pipeline is zero, and records were written. */
  public boolean passed() {
    return !counts.isEmpty()
        && counts.values().stream().allMatch(c -> c.clean() && c.written() > 0);
  }

  /** The must-be-zero counts that are not zero, e.g. "kafka lost 12"; empty when passed. */
  public List<String> failures() {
    List<String> failures = new ArrayList<>();
    counts.forEach(
        (pipeline, c) -> {
          add(failures, pipeline + " lost", c.lost());
          add(failures, pipeline + " duplicated", c.duplicated());
          add(failures, pipeline + " order violations", c.orderViolations());
          add(failures, pipeline + " foreign records", c.foreign());
          if (c.written() == 0) {
            failures.add("nothing was written");
          }
        });
    return failures;
  }

  private static void add(List<String> failures, String what, long count) {
    if (count != 0) {
      failures.add(what + " " + count);
    }
  }

  /** The summary table and notes, as printed at the end of a run. */
  public String render() {
    List<String> pipelines = new ArrayList<>(counts.keySet());
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String pipeline : pipelines) {
      DeliveryCheck.Counts c = counts.get(pipeline);
      row(rows, "records written (acknowledged by Kinesis)", number(c.written()));
      row(rows, "records in the stream (distinct, read back)", number(c.inStream()));
      row(rows, "delivered (records in the output)", number(c.records()));
      row(rows, "delivered (distinct)", number(c.distinct()));
      row(rows, "lost (must be 0)", number(c.lost()));
      row(rows, "duplicated (must be 0)", number(c.duplicated()));
      row(rows, "order violations per key (must be 0)", number(c.orderViolations()));
      row(rows, "foreign records (must be 0)", number(c.foreign()));
      for (String fact : facts.getOrDefault(pipeline, List.of())) {
        int colon = fact.indexOf(": ");
        row(rows, fact.substring(0, colon), fact.substring(colon + 2));
      }
    }
    int labelWidth = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
    int columnWidth =
        Math.max(
            24,
            rows.values().stream().flatMap(List::stream).mapToInt(String::length).max().orElse(0)
                + 2);
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%-" + labelWidth + "s", ""));
    for (String pipeline : pipelines) {
      out.append(String.format(Locale.ROOT, "  %" + columnWidth + "s", titles.get(pipeline)));
    }
    out.append('\n');
    rows.forEach(
        (label, values) -> {
          out.append(String.format(Locale.ROOT, "%-" + labelWidth + "s", label));
          for (String value : values) {
            out.append(String.format(Locale.ROOT, "  %" + columnWidth + "s", value));
          }
          out.append('\n');
        });
    out.append("\nChaos:\n");
    chaos.forEach(line -> out.append("  ").append(line).append('\n'));
    if (!notes.isEmpty()) {
      out.append("\nNotes:\n");
      notes.forEach(line -> out.append("  ").append(line.replace("\n", "\n    ")).append('\n'));
    }
    out.append('\n')
        .append(
            passed()
                ? "RESULT: PASS (0 lost, 0 duplicated, 0 order violations)"
                : "RESULT: FAIL (" + String.join(", ", failures()) + ")")
        .append('\n');
    return out.toString();
  }

  private static void row(Map<String, List<String>> rows, String label, String value) {
    rows.computeIfAbsent(label, l -> new ArrayList<>()).add(value);
  }

  static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
