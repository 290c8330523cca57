package dev.shardline.runtime.status;

import java.util.List;

/**
 * What a running pipeline is doing, as the status page, {@code /api/status} and {@code shardline
 * status} show it: its state and health, its graph, totals, the last 15 minutes of rates and lags
 * (one sample a second, every series aligned with {@link Series#timeMillis}), its splits, its
 * checkpoints and its restarts. Immutable; serializes to JSON as documented in the CLI's README.
 *
 * @param pipeline the pipeline's name
 * @param timeMillis when this report was made, epoch milliseconds
 * @param state {@code starting}, {@code running}, {@code restarting}, {@code finished}, {@code
 *     stopped} or {@code failed}
 * @param health {@code ok}, {@code throttled}, {@code lagging}, {@code restarting} or {@code
 *     failing}
 * @param healthDetail why, in one line (empty when ok)
 * @param graph source, transforms, sinks
 * @param totals counts since the pipeline started, over every restart
 * @param series the pipeline's rates over time
 * @param splits each split read since the start, in the order first seen
 * @param checkpoints the checkpoints
 * @param restarts the recent restarts, oldest first
 */
public record StatusReport(
    String pipeline,
    long timeMillis,
    String state,
    String health,
    String healthDetail,
    Graph graph,
    Totals totals,
    Series series,
    List<Split> splits,
    Checkpoints checkpoints,
    List<Restart> restarts) {

  /**
   * The pipeline as a graph: one source, a chain of transforms, one or more sinks.
   *
   * @param source the source
   * @param transforms the record functions in order
   * @param sinks the sinks, the dead-letter sink last
   */
  public record Graph(Node source, List<Node> transforms, List<Node> sinks) {}

  /**
   * One step of the graph.
   *
   * @param name the source's identity, the transform's kind, the sink's type and id
   * @param state {@code running}, {@code restarting}, {@code stopped}, {@code finished} or {@code
   *     failed} (the pipeline's: every step runs on the same workers)
   */
  public record Node(String name, String state) {}

  /**
   * Counts since the start.
   *
   * @param recordsIn records the readers emitted
   * @param recordsOut records handed to the sinks
   * @param recordsInPerSecond in the last sample
   * @param recordsOutPerSecond in the last sample
   * @param dropped records the bad-data policy dropped
   * @param deadLettered records sent to the dead-letter sink
   * @param throttledCalls calls a service refused for a quota
   * @param restarts restarts from the last checkpoint
   */
  public record Totals(
      long recordsIn,
      long recordsOut,
      double recordsInPerSecond,
      double recordsOutPerSecond,
      long dropped,
      long deadLettered,
      long throttledCalls,
      long restarts) {}

  /**
   * The pipeline's rates, one value per sample.
   *
   * @param timeMillis when each sample was taken, epoch milliseconds
   * @param recordsInPerSecond records read per second
   * @param recordsOutPerSecond records handed to the sinks per second
   * @param checkpointAgeSeconds seconds since the last completed checkpoint (null before the first)
   */
  public record Series(
      List<Long> timeMillis,
      List<Double> recordsInPerSecond,
      List<Double> recordsOutPerSecond,
      List<Double> checkpointAgeSeconds) {}

  /**
   * One split (Kinesis shard, Kafka partition, generator split).
   *
   * @param source the source's identity
   * @param split the split's id
   * @param state {@code reading}, {@code ended} (read to its end: a Kinesis shard that was split or
   *     merged, a bounded split done) or {@code stopped} (the pipeline stopped or failed)
   * @param lagMillis how far behind the newest record (MillisBehindLatest), null when the source
   *     does not say
   * @param recordsPerSecond in the last sample
   * @param throttledCalls calls refused for a quota while reading it (this attempt)
   * @param lagMillisSeries lag per sample, aligned with {@link Series#timeMillis}; null where not
   *     read
   * @param recordsPerSecondSeries records per second per sample, aligned likewise
   * @param throttledPerSecondSeries throttled calls per second per sample, aligned likewise
   */
  public record Split(
      String source,
      String split,
      String state,
      Double lagMillis,
      double recordsPerSecond,
      long throttledCalls,
      List<Double> lagMillisSeries,
      List<Double> recordsPerSecondSeries,
      List<Double> throttledPerSecondSeries) {}

  /**
   * The checkpoints.
   *
   * @param lastId the last completed checkpoint's id, null before the first
   * @param lastAgeSeconds seconds since it completed, null before the first
   * @param completed how many completed since the start
   * @param failed how many were aborted since the start
   * @param recent the recent completed ones, oldest first
   * @param failures the recent aborted ones, oldest first
   */
  public record Checkpoints(
      Long lastId,
      Double lastAgeSeconds,
      long completed,
      long failed,
      List<Checkpoint> recent,
      List<CheckpointFailure> failures) {}

  /**
   * A completed checkpoint.
   *
   * @param id its id
   * @param completedAtMillis when it completed, epoch milliseconds
   * @param durationMillis from trigger to stored and committed
   * @param sizeBytes its file's size
   */
  public record Checkpoint(long id, long completedAtMillis, long durationMillis, long sizeBytes) {}

  /**
   * An aborted checkpoint.
   *
   * @param atMillis when, epoch milliseconds
   * @param reason {@code timeout} or {@code store}
   */
  public record CheckpointFailure(long atMillis, String reason) {}

  /**
   * A restart from the last checkpoint.
   *
   * @param atMillis when the failure was seen, epoch milliseconds
   * @param causeType the root cause's exception type
   * @param cause what failed, in one line
   */
  public record Restart(long atMillis, String causeType, String cause) {}
}
