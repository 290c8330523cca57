package dev.shardline.flink.source.internal;

import dev.shardline.api.SourceSplit;
import dev.shardline.state.VersionedSerializer;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state a Flink job starts from when it takes over from an embedded pipeline: the enumerator
 * state and every reader's splits of one embedded checkpoint, as the connector serializer's version
 * and bytes (so the source object that carries it stays serializable and the bytes are read by the
 * same serializer on the cluster). Immutable.
 *
 * @param description where it came from, for messages (e.g. "checkpoint 12 in /data/cp")
 * @param enumeratorState the enumerator's state
 * @param readerSplits per embedded reader index, its splits
 */
public record Seed(String description, Blob enumeratorState, List<List<Blob>> readerSplits)
    implements Serializable {

  public Seed {
    readerSplits = readerSplits.stream().map(List::copyOf).toList();
  }

  /** One state object: its serializer version and bytes. */
  public record Blob(int version, byte[] bytes) implements Serializable {}

  /** The enumerator state, read with the connector's serializer. */
  public <E> E enumeratorState(VersionedSerializer<E> serializer) throws IOException {
    return serializer.deserialize(enumeratorState.version(), enumeratorState.bytes());
  }

  /** Every reader's splits, read with the connector's serializer, by embedded reader index. */
  public <S extends SourceSplit> Map<Integer, List<S>> splits(VersionedSerializer<S> serializer)
      throws IOException {
    Map<Integer, List<S>> splits = new LinkedHashMap<>();
    for (int reader = 0; reader < readerSplits.size(); reader++) {
      List<S> list = new ArrayList<>();
      for (Blob blob : readerSplits.get(reader)) {
        list.add(serializer.deserialize(blob.version(), blob.bytes()));
      }
      splits.put(reader, list);
    }
    return splits;
  }
}
