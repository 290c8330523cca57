package dev.shardline.runtime.internal;

import dev.shardline.api.Sink;
import dev.shardline.runtime.status.StatusReport;
import java.util.ArrayList;
import java.util.List;

/** A pipeline's graph for the status page: source, transforms, sinks, by name. Stateless. */
public final class StatusGraph {
  private StatusGraph() {}

  /** The graph of {@code spec}, every step {@code running}. */
  public static StatusReport.Graph of(PipelineSpec spec) {
    List<StatusReport.Node> transforms = new ArrayList<>();
    for (RecordOp op : spec.ops()) {
      String kind =
          op instanceof RecordOp.Map ? "map" : op instanceof RecordOp.Filter ? "filter" : "flatMap";
      transforms.add(new StatusReport.Node(kind, "running"));
    }
    List<StatusReport.Node> sinks = new ArrayList<>();
    for (int i = 0; i < spec.sinks().size(); i++) {
      sinks.add(
          new StatusReport.Node(name(spec.sinks().get(i), PipelineSpec.sinkId(i)), "running"));
    }
    if (spec.deadLetterSink() != null) {
      sinks.add(
          new StatusReport.Node(
              name(spec.deadLetterSink(), PipelineSpec.DEAD_LETTER_SINK_ID), "running"));
    }
    return new StatusReport.Graph(
        new StatusReport.Node(spec.source().identity(), "running"), transforms, sinks);
  }

  private static String name(Sink<?> sink, String id) {
    String type = sink.getClass().getSimpleName();
    return (type.isEmpty() ? "sink" : type) + " (" + id + ")";
  }
}
