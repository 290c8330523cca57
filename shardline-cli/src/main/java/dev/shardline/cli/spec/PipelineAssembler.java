package dev.shardline.cli.spec;

import dev.shardline.api.Sink;
import dev.shardline.cli.connect.DeadLetterRecords;
import dev.shardline.cli.connect.MappedSinks;
import dev.shardline.cli.connect.PipelineRecord;
import dev.shardline.cli.connect.SinkType;
import dev.shardline.cli.connect.SourceType.ConfiguredSource;
import dev.shardline.cli.spec.PipelineDefinition.Section;
import dev.shardline.cli.transform.TransformType;
import dev.shardline.runtime.Flow;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.PipelineBuilder;

/**
 * Turns a checked {@link PipelineDefinition} into a runner pipeline: the source (its records
 * converted to {@link PipelineRecord}s), the transforms in file order, the sinks in file order, the
 * dead-letter sink, and the pipeline settings. Stateless.
 */
public final class PipelineAssembler {
  private PipelineAssembler() {}

  /** A builder of the pipeline {@code definition} describes; metrics and the like still to set. */
  public static PipelineBuilder<PipelineRecord> assemble(PipelineDefinition definition) {
    Flow<PipelineRecord> flow =
        from(definition.source().type().create(definition.source().config()));
    for (Section<TransformType> transform : definition.transforms()) {
      flow = transform.type().step(transform.config()).applyTo(flow);
    }
    PipelineBuilder<PipelineRecord> builder = null;
    for (Section<SinkType> section : definition.sinks()) {
      Sink<PipelineRecord> sink = section.type().create(section.config());
      builder = builder == null ? flow.to(sink) : builder.to(sink);
    }
    if (builder == null) {
      throw new IllegalArgumentException("a pipeline definition has at least one sink");
    }
    PipelineBuilder<PipelineRecord> result = builder;
    definition
        .deadLetter()
        .ifPresent(
            section ->
                result.deadLetterTo(
                    MappedSinks.map(
                        section.type().create(section.config()), DeadLetterRecords::toRecord)));
    return result.configure(definition.settings());
  }

  private static <T> Flow<PipelineRecord> from(ConfiguredSource<T> configured) {
    return Pipeline.from(configured.source()).map(configured.toRecord());
  }
}
