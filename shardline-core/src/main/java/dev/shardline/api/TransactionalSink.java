package dev.shardline.api;

import dev.shardline.state.VersionedSerializer;

/**
 * A sink that commits in two phases, for exactly-once output. At a checkpoint each writer's {@link
 * CommittingSinkWriter#prepareCommit()} closes its open transaction and returns committables; the
 * runner stores them in the checkpoint and, once the checkpoint is durable, hands them to the
 * {@link Committer}. After a crash, the committables of the restored checkpoint are committed again
 * (so commits are idempotent) and anything a writer opened after that checkpoint is aborted or
 * discarded by the new writer. The committables of a checkpoint that was aborted (it timed out, or
 * could not be stored) are stored and committed with the next checkpoint that completes, so one
 * {@link Committer#commit} may get committables prepared at several checkpoints, and a prepared
 * transaction may stay open that much longer.
 *
 * @param <T> the records it accepts
 * @param <C> the committable (e.g. a transactional id and epoch, a part file path)
 */
public interface TransactionalSink<T, C> extends Sink<T> {

  @Override
  CommittingSinkWriter<T, C> createWriter(SinkContext context) throws Exception;

  /** The committer; one per pipeline, called from the coordinator. */
  Committer<C> createCommitter(SinkContext context) throws Exception;

  /** Serializer of committables in checkpoints. */
  VersionedSerializer<C> committableSerializer();
}
