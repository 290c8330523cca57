package dev.shardline.cli.connect;

import dev.shardline.api.Source;
import dev.shardline.api.function.SerializableFunction;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.runtime.checkpoint.StateBlob;
import java.io.IOException;
import java.util.List;

/**
 * One {@code source.type} of a pipeline file: its options (the connector's own {@code *Options}
 * declarations, so the YAML has every option the Java builder has, with the same defaults), how to
 * build it, what metadata its records carry, and how to read its split states in a checkpoint.
 * Implementations are stateless and thread-safe.
 */
public interface SourceType {

  /** The {@code type} value, e.g. {@code kinesis}. */
  String name();

  /** One sentence for the reference page. */
  String summary();

  /** Every option of the section besides {@code type}. */
  OptionSet options();

  /**
   * The metadata fields its records carry, besides {@value PipelineRecord#READ_TIME}: what {@code
   * addMetadata} and {@code metadata.<field>} keys may name.
   */
  List<String> metadataFields();

  /**
   * Builds the source from its section, already checked against {@link #options()}. Must not
   * connect anywhere: {@code validate} calls it to check what only the factory checks.
   */
  ConfiguredSource<?> create(Configuration config);

  /** Whether a checkpoint whose source identity is {@code identity} was written by this type. */
  boolean wrote(String identity);

  /** A split state of a checkpoint in words (stream, shard, position). */
  String describeSplit(StateBlob split) throws IOException;

  /**
   * A source and how its records become {@link PipelineRecord}s.
   *
   * @param source the connector's source
   * @param toRecord the conversion, run on the worker threads (must be thread-safe); serializable,
   *     so that a pipeline can be shipped to Flink
   * @param <T> what the source emits
   */
  record ConfiguredSource<T>(
      Source<T, ?, ?> source, SerializableFunction<T, PipelineRecord> toRecord) {}
}
