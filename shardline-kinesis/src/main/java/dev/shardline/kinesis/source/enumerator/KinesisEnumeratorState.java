package dev.shardline.kinesis.source.enumerator;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.kinesis.source.split.KinesisShardSplit;
import java.util.List;

/**
 * What the Kinesis enumerator keeps in a checkpoint, per stream: the last shard id that discovery
 * has listed (every shard up to it has been seen, and any of them no longer tracked was read to its
 * end or deliberately skipped), and the shards it still tracks: waiting for their parents, or
 * assigned to a reader and not finished. Finished shards are dropped. Immutable; serialized by
 * {@link KinesisEnumeratorStateSerializer}.
 *
 * @param streams one entry per stream of the source
 */
public record KinesisEnumeratorState(List<StreamState> streams) {

  public KinesisEnumeratorState {
    streams = List.copyOf(checkNotNull(streams, "streams"));
  }

  /**
   * One stream's discovery progress and tracked shards.
   *
   * @param stream the stream name
   * @param lastListedShardId the highest shard id listed so far, or null before the first listing
   * @param shards the shards still tracked
   */
  public record StreamState(String stream, String lastListedShardId, List<TrackedShard> shards) {
    public StreamState {
      checkNotNull(stream, "stream");
      shards = List.copyOf(checkNotNull(shards, "shards"));
    }
  }

  /**
   * A shard the enumerator tracks.
   *
   * @param split the shard, at the position a reader starts from when it is (re)assigned
   * @param reader the reader it is assigned to, or -1 while it waits for its parents or a reader
   */
  public record TrackedShard(KinesisShardSplit split, int reader) {
    public TrackedShard {
      checkNotNull(split, "split");
      checkArgument(reader >= -1, "reader must be -1 or a reader index, was " + reader);
    }
  }
}
