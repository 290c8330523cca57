package dev.shardline.kinesis.source;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.config.Configuration;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.config.KinesisSourceOptions.StartupPositionType;
import dev.shardline.kinesis.source.split.ShardPosition;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a Kinesis source starts when there is no checkpoint: the Java form of the {@code
 * startupPosition} options. Shards that resharding creates after the start are always read from
 * their beginning, whatever this says. Immutable and thread-safe.
 *
 * <pre>{@code
 * StartingPosition.latest();                                   // the default
 * StartingPosition.earliest();                                 // TRIM_HORIZON
 * StartingPosition.atTimestamp(Instant.parse("2026-03-01T00:00:00Z"));
 * StartingPosition.afterSequenceNumbers(Map.of("shardId-000000000000", "4959..."));
 * }</pre>
 */
public final class StartingPosition {
  private final StartupPositionType type;
  private final Instant date;
  private final Map<String, String> sequenceNumbers;
  private final boolean inclusive;

  private StartingPosition(
      StartupPositionType type,
      Instant date,
      Map<String, String> sequenceNumbers,
      boolean inclusive) {
    this.type = type;
    this.date = date;
    this.sequenceNumbers = sequenceNumbers;
    this.inclusive = inclusive;
  }

  /** Records written after the start: LATEST on every open shard; closed shards are skipped. */
  public static StartingPosition latest() {
    return new StartingPosition(StartupPositionType.LATEST, null, null, false);
  }

  /** The oldest records still in the stream: TRIM_HORIZON on every shard, parents first. */
  public static StartingPosition earliest() {
    return new StartingPosition(StartupPositionType.EARLIEST, null, null, false);
  }

  /** The first record that arrived at or after {@code date}, on every shard (AT_TIMESTAMP). */
  public static StartingPosition atTimestamp(Instant date) {
    return new StartingPosition(StartupPositionType.DATE, checkNotNull(date, "date"), null, false);
  }

  /**
   * AT_SEQUENCE_NUMBER on the given shards (keys: a shard id, or {@code stream/shardId} when
   * reading several streams); their ancestors are skipped, every other shard starts at
   * TRIM_HORIZON.
   */
  public static StartingPosition atSequenceNumbers(Map<String, String> sequenceNumbers) {
    return sequence(sequenceNumbers, true);
  }

  /**
   * As {@link #atSequenceNumbers}, but right AFTER each sequence number (AFTER_SEQUENCE_NUMBER).
   */
  public static StartingPosition afterSequenceNumbers(Map<String, String> sequenceNumbers) {
    return sequence(sequenceNumbers, false);
  }

  private static StartingPosition sequence(Map<String, String> sequenceNumbers, boolean inclusive) {
    checkNotNull(sequenceNumbers, "sequenceNumbers");
    checkArgument(!sequenceNumbers.isEmpty(), "sequenceNumbers must not be empty");
    Map<String, String> copy =
        Map.copyOf(
            KinesisSourceOptions.STARTUP_SEQUENCE_NUMBERS.validate(new TreeMap<>(sequenceNumbers)));
    return new StartingPosition(StartupPositionType.SEQUENCE_NUMBER, null, copy, inclusive);
  }

  /** The starting position the {@code startupPosition} options of {@code config} say. */
  public static StartingPosition fromConfiguration(Configuration config) {
    return switch (config.get(KinesisSourceOptions.STARTUP_POSITION)) {
      case LATEST -> latest();
      case EARLIEST -> earliest();
      case DATE -> atTimestamp(config.get(KinesisSourceOptions.STARTUP_DATE));
      case SEQUENCE_NUMBER ->
          config.get(KinesisSourceOptions.STARTUP_INCLUSIVE)
              ? atSequenceNumbers(config.get(KinesisSourceOptions.STARTUP_SEQUENCE_NUMBERS))
              : afterSequenceNumbers(config.get(KinesisSourceOptions.STARTUP_SEQUENCE_NUMBERS));
    };
  }

  /** Sets the {@code startupPosition} options (and removes the ones this does not use). */
  public Configuration.Builder applyTo(Configuration.Builder config) {
    return config
        .set(KinesisSourceOptions.STARTUP_POSITION, type)
        .set(KinesisSourceOptions.STARTUP_DATE, date)
        .set(KinesisSourceOptions.STARTUP_SEQUENCE_NUMBERS, sequenceNumbers)
        .set(
            KinesisSourceOptions.STARTUP_INCLUSIVE,
            type == StartupPositionType.SEQUENCE_NUMBER ? inclusive : null);
  }

  /** Which kind of starting position. */
  public StartupPositionType type() {
    return type;
  }

  /** The sequence number given for a shard, by {@code stream/shardId} or by shard id. */
  public Optional<String> sequenceNumberOf(String stream, String shardId) {
    if (sequenceNumbers == null) {
      return Optional.empty();
    }
    String qualified = sequenceNumbers.get(stream + "/" + shardId);
    return Optional.ofNullable(qualified != null ? qualified : sequenceNumbers.get(shardId));
  }

  /**
   * Where a shard present at the first discovery starts, before the ancestor rule of
   * sequence-number starts is applied; empty when it is not read at all (a closed shard when
   * starting at LATEST).
   */
  public Optional<ShardPosition> initialPosition(String stream, String shardId, boolean closed) {
    return switch (type) {
      case LATEST -> closed ? Optional.empty() : Optional.of(ShardPosition.latest());
      case EARLIEST -> Optional.of(ShardPosition.trimHorizon());
      case DATE -> Optional.of(ShardPosition.atTimestamp(date));
      case SEQUENCE_NUMBER ->
          Optional.of(
              sequenceNumberOf(stream, shardId)
                  .map(
                      s ->
                          inclusive
                              ? ShardPosition.atSequenceNumber(s)
                              : ShardPosition.afterSequenceNumber(s))
                  .orElse(ShardPosition.trimHorizon()));
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StartingPosition p
        && type == p.type
        && Objects.equals(date, p.date)
        && Objects.equals(sequenceNumbers, p.sequenceNumbers)
        && inclusive == p.inclusive;
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, date, sequenceNumbers, inclusive);
  }

  @Override
  public String toString() {
    return switch (type) {
      case LATEST -> "latest";
      case EARLIEST -> "earliest";
      case DATE -> "date " + date;
      case SEQUENCE_NUMBER ->
          (inclusive ? "at " : "after ") + "sequence numbers " + sequenceNumbers;
    };
  }
}
