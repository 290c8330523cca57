package dev.shardline.api;

import java.util.Collection;

/**
 * The writer of a {@link TransactionalSink}.
 *
 * @param <T> the records it accepts
 * @param <C> the committable
 */
public interface CommittingSinkWriter<T, C> extends SinkWriter<T> {

  /**
   * Called right after {@link #flush()} at a checkpoint: ends the current transaction (without
   * committing it) and returns what the {@link Committer} needs to commit it. Later writes go to a
   * new transaction.
   */
  Collection<C> prepareCommit() throws Exception;
}
