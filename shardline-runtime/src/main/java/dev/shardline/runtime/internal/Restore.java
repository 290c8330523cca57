package dev.shardline.runtime.internal;

import dev.shardline.api.ShardlineException;
import dev.shardline.api.Sink;
import dev.shardline.api.Source;
import dev.shardline.api.SourceSplit;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.api.StatefulSink;
import dev.shardline.runtime.checkpoint.Checkpoint;
import dev.shardline.runtime.checkpoint.CheckpointStore;
import dev.shardline.runtime.checkpoint.SinkState;
import dev.shardline.runtime.checkpoint.StateBlob;
import dev.shardline.state.VersionedSerializer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one execution starts from: the store's newest readable checkpoint, checked against the
 * pipeline, or none; the id of the first new checkpoint; and the checkpoint's state handed back
 * (splits to their readers or, at another parallelism, to the enumerator; writer states to writers;
 * the enumerator's state). Made and used on the coordinator thread, before its main loop runs;
 * {@link Execution} says in which order.
 */
final class Restore {
  // the coordinator's log, under one name whichever of its parts writes
  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

  private final PipelineSpec spec;
  private final Source<Object, SourceSplit, Object> source;
  private final Optional<Checkpoint> checkpoint;
  private final long firstCheckpointId;

  private Restore(
      PipelineSpec spec,
      Source<Object, SourceSplit, Object> source,
      Optional<Checkpoint> checkpoint,
      long firstCheckpointId) {
    this.spec = spec;
    this.source = source;
    this.checkpoint = checkpoint;
    this.firstCheckpointId = firstCheckpointId;
  }

  /**
   * Reads the newest checkpoint of {@code store} and checks that it fits the pipeline; a store that
   * cannot be read, or a checkpoint of another source or with state of a sink the pipeline no
   * longer has, is a {@link FatalPipelineException}.
   */
  static Restore load(
      PipelineSpec spec, CheckpointStore store, Source<Object, SourceSplit, Object> source)
      throws Exception {
    Optional<Checkpoint> latest;
    long highestUsed;
    try {
      latest = store.latest();
      highestUsed = store.highestIdUsed();
    } catch (ShardlineException e) {
      throw new FatalPipelineException(e);
    }
    // never reuse an id, not even one of a checkpoint that was lost: sinks name their output after
    // checkpoint ids, and output of the lost checkpoint may have been committed
    long restoredId = latest.map(Checkpoint::id).orElse(0L);
    long firstCheckpointId = Math.max(restoredId, highestUsed) + 1;
    if (highestUsed > restoredId) {
      LOG.warn(
          "Pipeline '{}': checkpoint ids up to {} were used in {}, but the newest readable"
              + " checkpoint is {}; new checkpoints start at {} so that no id is used twice",
          spec.name(),
          highestUsed,
          store.location(),
          latest.isPresent() ? Long.toString(restoredId) : "none",
          firstCheckpointId);
    }
    if (latest.isEmpty()) {
      LOG.info(
          "Pipeline '{}': no checkpoint in {}, starting from the source's initial position",
          spec.name(),
          store.location());
      return new Restore(spec, source, latest, firstCheckpointId);
    }
    Checkpoint checkpoint = latest.get();
    if (!checkpoint.sourceIdentity().equals(source.identity())) {
      throw new FatalPipelineException(
          new ShardlineException(
              "Checkpoint "
                  + checkpoint.id()
                  + " in "
                  + store.location()
                  + " was written by source '"
                  + checkpoint.sourceIdentity()
                  + "', but pipeline '"
                  + spec.name()
                  + "' reads from source '"
                  + source.identity()
                  + "': its offsets mean nothing to this source. Use another checkpoint directory"
                  + " for this pipeline, or delete "
                  + store.location()
                  + " to start this source from its initial position."));
    }
    for (Map.Entry<String, SinkState> sink : checkpoint.sinks().entrySet()) {
      boolean hasState =
          sink.getValue().writerStates().stream().anyMatch(l -> !l.isEmpty())
              || !sink.getValue().allCommittables().isEmpty();
      if (hasState && spec.sink(sink.getKey()) == null) {
        throw new FatalPipelineException(
            new ShardlineException(
                "Checkpoint "
                    + checkpoint.id()
                    + " in "
                    + store.location()
                    + " holds state of sink '"
                    + sink.getKey()
                    + "', which pipeline '"
                    + spec.name()
                    + "' no longer has (it has "
                    + spec.sinks().size()
                    + " sink(s)"
                    + (spec.deadLetterSink() != null ? " and a dead-letter sink" : "")
                    + "). Keep the sinks of a pipeline in the same order, or use another"
                    + " checkpoint directory."));
      }
    }
    if (!checkpoint.pipelineName().equals(spec.name())) {
      LOG.warn(
          "Checkpoint {} in {} was written by pipeline '{}', restoring it into pipeline '{}'",
          checkpoint.id(),
          store.location(),
          checkpoint.pipelineName(),
          spec.name());
    }
    LOG.info(
        "Pipeline '{}': restoring checkpoint {} from {} ({} splits, parallelism {} -> {})",
        spec.name(),
        checkpoint.id(),
        store.location(),
        checkpoint.splitCount(),
        checkpoint.parallelism(),
        spec.parallelism());
    return new Restore(spec, source, latest, firstCheckpointId);
  }

  /** The checkpoint restored, if any. */
  Optional<Checkpoint> checkpoint() {
    return checkpoint;
  }

  OptionalLong restoredCheckpointId() {
    return checkpoint.isPresent() ? OptionalLong.of(checkpoint.get().id()) : OptionalLong.empty();
  }

  /** The id of the first new checkpoint: above every id the store ever used, lost ones included. */
  long firstCheckpointId() {
    return firstCheckpointId;
  }

  /** Whether the checkpoint was taken at another parallelism than the pipeline's. */
  boolean rescaled() {
    return checkpoint.map(Checkpoint::parallelism).orElse(spec.parallelism()) != spec.parallelism();
  }

  /** The checkpoint's splits by the index of the reader that held them; empty without one. */
  List<List<SourceSplit>> readerSplits() throws Exception {
    List<List<SourceSplit>> oldSplits = new ArrayList<>();
    if (checkpoint.isPresent()) {
      for (List<StateBlob> blobs : checkpoint.get().readerSplits()) {
        List<SourceSplit> splits = new ArrayList<>();
        for (StateBlob blob : blobs) {
          splits.add(blob.read(source.splitSerializer()));
        }
        oldSplits.add(splits);
      }
    }
    return oldSplits;
  }

  /**
   * What worker {@code worker} starts from: at the same parallelism the splits its reader
   * checkpointed ({@code readerSplits}, from {@link #readerSplits()}), at another none; its
   * writers' states.
   */
  Worker.Setup workerSetup(int worker, List<List<SourceSplit>> readerSplits) throws Exception {
    List<SourceSplit> restored =
        checkpoint.isPresent() && !rescaled() ? readerSplits.get(worker) : List.of();
    Map<String, List<Object>> writerStates = new HashMap<>();
    if (checkpoint.isPresent()) {
      for (Map.Entry<String, SinkState> sink : checkpoint.get().sinks().entrySet()) {
        writerStates.put(sink.getKey(), writerStatesFor(worker, sink.getKey(), sink.getValue()));
      }
    }
    return new Worker.Setup(restored, writerStates, restoredCheckpointId(), firstCheckpointId);
  }

  /**
   * The writer states new writer {@code writer} restores: its own at the same parallelism; at
   * another, those of every old writer {@code w} with {@code w % parallelism == writer}, so each
   * old state goes to exactly one new writer.
   */
  @SuppressWarnings("unchecked")
  private List<Object> writerStatesFor(int writer, String sinkId, SinkState state)
      throws Exception {
    Sink<?> sink = spec.sink(sinkId);
    if (!(sink instanceof StatefulSink<?, ?> stateful)) {
      return List.of();
    }
    VersionedSerializer<Object> serializer =
        (VersionedSerializer<Object>) stateful.writerStateSerializer();
    List<Object> states = new ArrayList<>();
    for (int old = 0; old < state.writerStates().size(); old++) {
      if (old % spec.parallelism() == writer) {
        for (StateBlob blob : state.writerStates().get(old)) {
          states.add(blob.read(serializer));
        }
      }
    }
    return states;
  }

  /** The split enumerator: restored from the checkpoint's state, or new without one. */
  SplitEnumerator<SourceSplit, Object> enumerator(SplitEnumeratorContext<SourceSplit> context)
      throws Exception {
    if (checkpoint.isPresent()) {
      Object state = checkpoint.get().enumeratorState().read(source.enumeratorStateSerializer());
      return source.restoreEnumerator(context, state);
    }
    return source.createEnumerator(context);
  }

  /**
   * At another parallelism, hands every reader's splits ({@code readerSplits}) back to the started
   * {@code enumerator}, before any reader is added, so it spreads them over the new readers as on a
   * fresh start; at the same parallelism the readers have them already.
   */
  void handSplitsBack(
      SplitEnumerator<SourceSplit, Object> enumerator, List<List<SourceSplit>> readerSplits) {
    if (rescaled()) {
      for (int old = 0; old < readerSplits.size(); old++) {
        if (!readerSplits.get(old).isEmpty()) {
          enumerator.addSplitsBack(readerSplits.get(old), old);
        }
      }
    }
  }
}
