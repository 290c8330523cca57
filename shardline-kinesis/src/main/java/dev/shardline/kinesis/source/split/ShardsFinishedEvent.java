package dev.shardline.kinesis.source.split;

import dev.shardline.api.SourceEvent;
import java.util.List;

/**
 * Reader to enumerator: a completed checkpoint holds these shards as finished. The runtime flushed
 * the reader's sinks before that checkpoint, so every record of these shards is at its destination
 * (or in a committed transaction): any reader may now read their children without reordering a
 * partition key. The enumerator drops these shards from its state.
 *
 * @param splitIds the finished shards' split ids
 */
public record ShardsFinishedEvent(List<String> splitIds) implements SourceEvent {
  private static final long serialVersionUID = 1L;

  public ShardsFinishedEvent {
    splitIds = List.copyOf(splitIds);
  }
}
