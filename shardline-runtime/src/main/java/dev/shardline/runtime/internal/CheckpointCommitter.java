package dev.shardline.runtime.internal;

import dev.shardline.api.Committer;
import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.TransactionalSink;
import dev.shardline.retry.Backoff;
import dev.shardline.runtime.checkpoint.SinkState;
import dev.shardline.runtime.checkpoint.StateBlob;
import dev.shardline.state.VersionedSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's half of the two-phase commit: one {@link Committer} per transactional sink, the
 * committables of aborted checkpoints carried into the next checkpoint that completes, and the
 * commits, retried with backoff when the committer says they may be. Made and used on the
 * coordinator thread only; a commit runs there, synchronously.
 */
final class CheckpointCommitter {
  // the coordinator's log, under one name whichever of its parts writes
  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);
  private static final Backoff COMMIT_BACKOFF =
      new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), 0.2);
  private static final int COMMIT_ATTEMPTS = 5;

  private final PipelineSpec spec;
  private final PipelineMetrics metrics;
  private final Map<String, Committer<Object>> committers = new LinkedHashMap<>();
  private final Map<String, VersionedSerializer<Object>> committableSerializers = new HashMap<>();
  // Committables of aborted checkpoints, by sink id and then worker: their transactions are closed
  // (prepareCommit ran) and the source positions of the next checkpoint are past their records, so
  // they are stored and committed with the next checkpoint that completes, never dropped.
  private final Map<String, List<List<StateBlob>>> carriedCommittables = new HashMap<>();
  // aborted checkpoints -> the workers that had not answered them yet (they still will)
  private final Map<Long, Set<Integer>> unansweredAborted = new HashMap<>();

  CheckpointCommitter(PipelineSpec spec, PipelineMetrics metrics) {
    this.spec = spec;
    this.metrics = metrics;
  }

  /** Creates the committer of every transactional sink; before any writer exists. */
  @SuppressWarnings("unchecked")
  void createCommitters(OptionalLong restoredCheckpointId, long firstCheckpointId)
      throws Exception {
    for (String sinkId : spec.sinkIds()) {
      Sink<?> sink = spec.sink(sinkId);
      if (sink instanceof TransactionalSink<?, ?> transactional) {
        SinkContext context =
            new RuntimeSinkContext(
                sinkId,
                0,
                spec.parallelism(),
                spec.name(),
                DeadLetters.notConfigured(spec.name()),
                metrics.tagged("sink", sinkId, "committer", "0"),
                spec.time(),
                restoredCheckpointId,
                firstCheckpointId,
                null);
        committers.put(sinkId, (Committer<Object>) transactional.createCommitter(context));
        committableSerializers.put(
            sinkId, (VersionedSerializer<Object>) transactional.committableSerializer());
      }
    }
  }

  /** Commits every sink's committables of checkpoint {@code checkpointId}, in the map's order. */
  void commit(long checkpointId, Map<String, SinkState> sinks) throws Exception {
    for (Map.Entry<String, SinkState> sink : sinks.entrySet()) {
      commit(sink.getKey(), sink.getValue().allCommittables(), checkpointId);
    }
  }

  /** Commits through the sink's committer, retrying what the committer says may be retried. */
  private void commit(String sinkId, List<StateBlob> blobs, long checkpointId) throws Exception {
    Committer<Object> committer = committers.get(sinkId);
    if (committer == null || blobs.isEmpty()) {
      return;
    }
    VersionedSerializer<Object> serializer = committableSerializers.get(sinkId);
    List<Object> committables = new ArrayList<>(blobs.size());
    for (StateBlob blob : blobs) {
      committables.add(blob.read(serializer));
    }
    for (int attempt = 0; ; attempt++) {
      try {
        committer.commit(committables);
        return;
      } catch (RetriableException e) {
        if (attempt + 1 >= COMMIT_ATTEMPTS) {
          throw new ShardlineException(
              "Committing checkpoint "
                  + checkpointId
                  + " of sink '"
                  + sinkId
                  + "' failed "
                  + COMMIT_ATTEMPTS
                  + " times; the pipeline restarts and commits it again",
              e);
        }
        long delay = COMMIT_BACKOFF.delay(attempt).toMillis();
        LOG.warn(
            "Committing checkpoint {} of sink '{}' failed, retrying in {} ms: {}",
            checkpointId,
            sinkId,
            delay,
            e.toString());
        spec.time().sleep(delay);
      }
    }
  }

  /** Carries the committables of {@code aborted}'s answers so far into the next checkpoint. */
  void carry(PendingCheckpoint aborted) {
    for (WorkerSnapshot snapshot : aborted.answers()) {
      carry(snapshot);
    }
  }

  /** {@code workers} had not answered aborted checkpoint {@code checkpointId}; they still will. */
  void expectLateAnswers(long checkpointId, List<Integer> workers) {
    unansweredAborted.put(checkpointId, new TreeSet<>(workers));
  }

  /**
   * Takes {@code snapshot} if it answers a checkpoint that was aborted before this worker answered:
   * its committables are carried, its reader and writer states dropped. False if it answers no
   * aborted checkpoint.
   */
  boolean takeLateAnswer(WorkerSnapshot snapshot) {
    Set<Integer> owed = unansweredAborted.get(snapshot.checkpointId());
    if (owed == null || !owed.remove(snapshot.worker())) {
      return false;
    }
    // its reader and writer states are discarded; its closed transactions are not
    carry(snapshot);
    if (owed.isEmpty()) {
      unansweredAborted.remove(snapshot.checkpointId());
    }
    LOG.info(
        "Pipeline '{}': worker {} answered checkpoint {} after it was aborted; its transactional"
            + " output goes with the next checkpoint that completes",
        spec.name(),
        snapshot.worker(),
        snapshot.checkpointId());
    return true;
  }

  /** Keeps {@code snapshot}'s committables for the next checkpoint that completes. */
  private void carry(WorkerSnapshot snapshot) {
    for (Map.Entry<String, List<StateBlob>> sink : snapshot.committables().entrySet()) {
      if (!sink.getValue().isEmpty()) {
        carriedCommittables
            .computeIfAbsent(
                sink.getKey(),
                id -> {
                  List<List<StateBlob>> perWorker = new ArrayList<>();
                  for (int i = 0; i < spec.parallelism(); i++) {
                    perWorker.add(new ArrayList<>());
                  }
                  return perWorker;
                })
            .get(snapshot.worker())
            .addAll(sink.getValue());
      }
    }
  }

  /**
   * {@code snapshot}'s committables for sink {@code sinkId}, after those carried for its worker.
   */
  List<StateBlob> withCarried(String sinkId, WorkerSnapshot snapshot) {
    List<StateBlob> own = snapshot.committables().getOrDefault(sinkId, List.of());
    List<List<StateBlob>> carried = carriedCommittables.get(sinkId);
    if (carried == null || carried.get(snapshot.worker()).isEmpty()) {
      return own;
    }
    List<StateBlob> all = new ArrayList<>(carried.get(snapshot.worker()));
    all.addAll(own);
    return all;
  }

  /** Forgets the carried committables: a checkpoint holding them is stored. */
  void carriedStored() {
    carriedCommittables.clear();
  }

  /** Closes every committer, logging what fails. */
  void close() {
    for (Map.Entry<String, Committer<Object>> committer : committers.entrySet()) {
      Execution.closeQuietly(
          spec.name(), committer.getValue(), "the committer of sink '" + committer.getKey() + "'");
    }
  }
}
