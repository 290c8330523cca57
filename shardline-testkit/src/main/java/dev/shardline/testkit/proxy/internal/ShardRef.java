package dev.shardline.testkit.proxy.internal;

import java.util.Objects;

/** A shard of a stream, by stream name and shard id. */
public record ShardRef(String stream, String shardId) {
  public ShardRef {
    Objects.requireNonNull(stream, "stream cannot be null");
    Objects.requireNonNull(shardId, "shardId cannot be null");
  }

  @Override
  public String toString() {
    return stream + "/" + shardId;
  }
}
