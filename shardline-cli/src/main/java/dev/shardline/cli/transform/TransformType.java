package dev.shardline.cli.transform;

import dev.shardline.cli.connect.PipelineRecord;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import java.util.List;

/**
 * One {@code type} of a pipeline file's {@code transforms}: its options and what it does to each
 * {@link PipelineRecord} (a {@link RecordStep}, which both engines apply). Transforms run on the
 * worker (Flink: the subtask) that read the record, in file order. Implementations are stateless
 * and thread-safe.
 */
public interface TransformType {

  /** The {@code type} value, e.g. {@code filter}. */
  String name();

  /** One sentence for the reference page. */
  String summary();

  /** Every option of the entry besides {@code type}. */
  OptionSet options();

  /** The metadata fields the entry reads (checked against the source's fields). */
  default List<String> metadataFields(Configuration config) {
    return List.of();
  }

  /** What this transform does to each record; {@code config} was checked against options. */
  RecordStep step(Configuration config);
}
