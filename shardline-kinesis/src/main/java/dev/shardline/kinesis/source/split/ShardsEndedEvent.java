package dev.shardline.kinesis.source.split;

import dev.shardline.api.SourceEvent;
import java.util.List;

/**
 * Reader to enumerator: these shards were read to their end and every record of them was handed
 * downstream on this reader's thread. Their children may now be read by the same reader (records of
 * one reader reach its sinks in order); another reader must wait for {@link ShardsFinishedEvent}.
 *
 * @param splitIds the finished shards' split ids
 */
public record ShardsEndedEvent(List<String> splitIds) implements SourceEvent {
  private static final long serialVersionUID = 1L;

  public ShardsEndedEvent {
    splitIds = List.copyOf(splitIds);
  }
}
