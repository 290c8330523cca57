package dev.shardline.api;

import java.util.Collection;

/**
 * Commits what {@link CommittingSinkWriter#prepareCommit()} prepared, once the checkpoint holding
 * it is durable. Commits are idempotent: after a crash the same committables may be committed
 * again, and committing one that is already committed succeeds without effect.
 *
 * @param <C> the committable
 */
public interface Committer<C> extends AutoCloseable {

  /**
   * Commits every committable.
   *
   * @throws RetriableException when the commit may succeed later; the runner retries
   */
  void commit(Collection<C> committables) throws Exception;

  @Override
  default void close() throws Exception {}
}
