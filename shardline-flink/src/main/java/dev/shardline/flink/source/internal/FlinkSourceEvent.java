package dev.shardline.flink.source.internal;

import static dev.shardline.util.Preconditions.checkNotNull;

import org.apache.flink.api.connector.source.SourceEvent;

/**
 * A connector's event between its enumerator and readers, carried as Flink's {@link SourceEvent}.
 *
 * @param event the connector's event
 */
public record FlinkSourceEvent(dev.shardline.api.SourceEvent event) implements SourceEvent {

  public FlinkSourceEvent {
    checkNotNull(event, "event");
  }
}
