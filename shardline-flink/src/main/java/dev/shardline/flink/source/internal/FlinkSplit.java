package dev.shardline.flink.source.internal;

import static dev.shardline.util.Preconditions.checkNotNull;

import org.apache.flink.api.connector.source.SourceSplit;

/**
 * A connector's split as Flink's {@link SourceSplit}. Immutable; its state is the connector split's
 * own serializer bytes (see {@link dev.shardline.flink.internal.VersionedSerializerAdapter}).
 *
 * @param split the connector's split
 * @param <S> the connector's split type
 */
public record FlinkSplit<S extends dev.shardline.api.SourceSplit>(S split) implements SourceSplit {

  public FlinkSplit {
    checkNotNull(split, "split");
  }

  @Override
  public String splitId() {
    return split.splitId();
  }
}
