package dev.shardline.dev.demo;

import java.util.Locale;

/**
 * What the demo measured, each number from the systems themselves: the events in the Kinesis stream
 * (read back with plain SDK calls), what the pipeline's runs reported reading (their Prometheus
 * endpoints), and what a read_committed consumer finds in the Kafka topic. Immutable.
 *
 * @param written distinct events in the Kinesis stream
 * @param writeSeconds how long the writer took
 * @param readFirstRun records the first run had read when it was killed
 * @param readSecondRun records the second run read
 * @param resumedFrom the checkpoint the second run restored
 * @param delivered distinct events in the Kafka topic
 * @param lost events in Kinesis but not in Kafka
 * @param duplicated extra copies in Kafka (records minus distinct events)
 * @param foreign records in Kafka that are not demo events
 * @param pipelineSeconds how long the two runs took (from their metrics endpoints coming up)
 */
public record DemoSummary(
    long written,
    double writeSeconds,
    long readFirstRun,
    long readSecondRun,
    long resumedFrom,
    long delivered,
    long lost,
    long duplicated,
    long foreign,
    double pipelineSeconds) {

  /** Whether every event arrived exactly once. */
  public boolean exactlyOnce() {
    return lost == 0 && duplicated == 0 && foreign == 0 && delivered == written && written > 0;
  }

  /** The summary a person reads. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("Summary\n");
    line(
        out,
        "written",
        String.format(
            Locale.ROOT,
            "%,d events into Kinesis by Shardline's Kinesis sink (%,.0f/s)",
            written,
            writeSeconds > 0 ? written / writeSeconds : 0.0));
    line(
        out,
        "read",
        String.format(
            Locale.ROOT,
            "%,d records from Kinesis: %,d by run 1 until it was killed, %,d by run 2 from"
                + " checkpoint %d (what run 1 read after that checkpoint is read again)",
            readFirstRun + readSecondRun,
            readFirstRun,
            readSecondRun,
            resumedFrom));
    line(
        out,
        "delivered",
        String.format(
            Locale.ROOT,
            "%,d distinct events in Kafka, read back with isolation.level=read_committed",
            delivered));
    line(out, "lost", String.format(Locale.ROOT, "%,d", lost));
    line(out, "duplicated", String.format(Locale.ROOT, "%,d", duplicated + foreign));
    line(
        out,
        "throughput",
        String.format(
            Locale.ROOT,
            "%,.0f events/s Kinesis -> Kafka (%,d events in %.1fs: run 1 until the kill, run 2"
                + " until the last event was committed in Kafka; reads paced on purpose, so that"
                + " the kill lands mid-way)",
            pipelineSeconds > 0 ? delivered / pipelineSeconds : 0.0,
            delivered,
            pipelineSeconds));
    return out.toString();
  }

  private static void line(StringBuilder out, String label, String text) {
    out.append(String.format(Locale.ROOT, "  %-11s %s%n", label + ":", text));
  }
}
