package dev.shardline.runtime.checkpoint;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One completed checkpoint of a pipeline: everything needed to resume it with exactly-once source
 * positions. Immutable.
 *
 * <pre>{@code
 * Optional<Checkpoint> latest = CheckpointStore.directory(Path.of("checkpoints/orders")).latest();
 * latest.ifPresent(c -> System.out.println(c.id() + " of " + c.sourceIdentity()));
 * }</pre>
 *
 * @param id the checkpoint number: 1 for a pipeline's first, one more for each after it
 * @param timestampMillis when the checkpoint was triggered, milliseconds since the epoch
 * @param pipelineName the pipeline's name
 * @param sourceIdentity {@link dev.shardline.api.Source#identity()} of the source that wrote it
 * @param parallelism how many readers (and writers per sink) the pipeline ran with
 * @param enumeratorState the split enumerator's state
 * @param readerSplits per reader index, its splits with their positions
 * @param sinks per sink id ({@code sink-0}, {@code sink-1}, ..., {@code dead-letter}), its state
 */
public record Checkpoint(
    long id,
    long timestampMillis,
    String pipelineName,
    String sourceIdentity,
    int parallelism,
    StateBlob enumeratorState,
    List<List<StateBlob>> readerSplits,
    Map<String, SinkState> sinks) {

  public Checkpoint {
    checkArgument(id >= 1, "id must be 1 or more, was " + id);
    checkNotNull(pipelineName, "pipelineName");
    checkNotNull(sourceIdentity, "sourceIdentity");
    checkArgument(parallelism >= 1, "parallelism must be 1 or more, was " + parallelism);
    checkNotNull(enumeratorState, "enumeratorState");
    readerSplits = checkNotNull(readerSplits, "readerSplits").stream().map(List::copyOf).toList();
    checkArgument(
        readerSplits.size() == parallelism,
        "readerSplits must hold one list per reader ("
            + parallelism
            + "), held "
            + readerSplits.size());
    // sorted, so that the file bytes do not depend on map iteration order
    sinks = Collections.unmodifiableMap(new TreeMap<>(checkNotNull(sinks, "sinks")));
  }

  /** How many splits the readers held, over all readers. */
  public int splitCount() {
    return readerSplits.stream().mapToInt(List::size).sum();
  }
}
