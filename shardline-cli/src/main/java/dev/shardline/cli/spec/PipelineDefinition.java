package dev.shardline.cli.spec;

import dev.shardline.cli.connect.SinkType;
import dev.shardline.cli.connect.SourceType;
import dev.shardline.cli.transform.TransformType;
import dev.shardline.config.Configuration;
import dev.shardline.runtime.PipelineOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A pipeline file that passed every offline check: the pipeline settings ({@link PipelineOptions}),
 * and each section with its type and checked options. Immutable.
 *
 * @param file the file it was read from
 * @param settings the values of {@link PipelineOptions}
 * @param source the source section
 * @param transforms the transforms, in order
 * @param sinks the sinks, in order (at least one)
 * @param deadLetter the dead-letter sink, if any
 */
public record PipelineDefinition(
    Path file,
    Configuration settings,
    Section<SourceType> source,
    List<Section<TransformType>> transforms,
    List<Section<SinkType>> sinks,
    Optional<Section<SinkType>> deadLetter) {

  public PipelineDefinition {
    transforms = List.copyOf(transforms);
    sinks = List.copyOf(sinks);
  }

  /** The pipeline's name. */
  public String name() {
    return settings.get(PipelineOptions.NAME);
  }

  /** Where its checkpoints go: {@code checkpoint.directory}, else {@code checkpoints/<name>}. */
  public Path checkpointDirectory() {
    return PipelineOptions.checkpointDirectory(settings);
  }

  /**
   * One section of the file.
   *
   * @param path where it is, e.g. {@code sinks[1]}
   * @param location the line it starts on
   * @param type its type
   * @param config its options, checked (secrets masked in {@code toString()})
   * @param <T> the kind of type
   */
  public record Section<T>(String path, Location location, T type, Configuration config) {}
}
