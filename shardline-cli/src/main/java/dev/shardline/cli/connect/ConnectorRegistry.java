package dev.shardline.cli.connect;

import dev.shardline.cli.transform.TransformType;
import dev.shardline.cli.transform.Transforms;
import java.util.List;
import java.util.Optional;

/**
 * Every source, sink and transform type a pipeline file may name, in one place: the pipeline
 * reader, {@code validate}, {@code checkpoints show} and the generated reference page all use it.
 * Each type takes its options from its connector's {@code *Options} declarations, so nothing here
 * lists keys by hand. Immutable, thread-safe.
 */
public final class ConnectorRegistry {
  private static final ConnectorRegistry DEFAULT =
      new ConnectorRegistry(
          List.of(new GeneratorSourceType(), new KinesisSourceType(), new KafkaSourceType()),
          List.of(
              new TextSinks.File(),
              new TextSinks.Stdout(),
              new KinesisSinkType(),
              new KafkaSinkType()),
          Transforms.all());

  private final List<SourceType> sources;
  private final List<SinkType> sinks;
  private final List<TransformType> transforms;

  ConnectorRegistry(
      List<SourceType> sources, List<SinkType> sinks, List<TransformType> transforms) {
    this.sources = List.copyOf(sources);
    this.sinks = List.copyOf(sinks);
    this.transforms = List.copyOf(transforms);
  }

  /** The types of this build. */
  public static ConnectorRegistry get() {
    return DEFAULT;
  }

  /** The source types. */
  public List<SourceType> sources() {
    return sources;
  }

  /** The sink types (also usable as the dead-letter sink). */
  public List<SinkType> sinks() {
    return sinks;
  }

  /** The transform types. */
  public List<TransformType> transforms() {
    return transforms;
  }

  /** The source type named {@code name}. */
  public Optional<SourceType> source(String name) {
    return sources.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The sink type named {@code name}. */
  public Optional<SinkType> sink(String name) {
    return sinks.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The transform type named {@code name}. */
  public Optional<TransformType> transform(String name) {
    return transforms.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The source type that wrote checkpoints of source identity {@code identity}. */
  public Optional<SourceType> sourceOfIdentity(String identity) {
    return sources.stream().filter(t -> t.wrote(identity)).findFirst();
  }
}
