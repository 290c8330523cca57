package dev.shardline.flink.sink.internal;

import dev.shardline.api.Committer;
import dev.shardline.api.RetriableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A connector's {@link Committer} as Flink's. Flink calls it once the checkpoint that holds the
 * committables completed, and again with the same committables after a restore; the connector's
 * commits are idempotent, as the contract asks. A {@link RetriableException} asks Flink to retry
 * the commit later; any other failure fails the job (Flink restarts it from its last checkpoint,
 * which commits the same committables again).
 *
 * @param <C> the committable
 */
public final class CommitterAdapter<C>
    implements org.apache.flink.api.connector.sink2.Committer<C> {
  private final Committer<C> committer;

  public CommitterAdapter(Committer<C> committer) {
    this.committer = committer;
  }

  @Override
  public void commit(Collection<CommitRequest<C>> requests)
      throws IOException, InterruptedException {
    if (requests.isEmpty()) {
      return;
    }
    List<C> committables = new ArrayList<>(requests.size());
    for (CommitRequest<C> request : requests) {
      committables.add(request.getCommittable());
    }
    try {
      committer.commit(committables);
    } catch (RetriableException e) {
      requests.forEach(CommitRequest::retryLater);
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    committer.close();
  }
}
