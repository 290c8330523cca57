package dev.shardline.runtime;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.retry.Backoff;
import java.time.Duration;

/**
 * What a {@link Pipeline} does when a worker, the enumerator, a commit or a checkpoint fails: stop
 * every worker, wait {@code backoff.delay(n)}, restore from the last completed checkpoint and run
 * again, up to {@code maxRestarts} times in a row. A run that made progress (completed a checkpoint
 * after it had read a record or assigned a split) starts the count again from zero; empty
 * checkpoints alone are no progress, so a source that cannot reach its server does not restart
 * forever. A pipeline that fails {@code maxRestarts + 1} times without progress in between fails
 * for good with a {@link PipelineFailedException} carrying the last error (earlier ones
 * suppressed). Immutable and thread-safe.
 *
 * <p>Errors that a restart cannot fix fail the pipeline at once: a checkpoint of another source, a
 * checkpoint directory held by another pipeline or not writable, a checkpoint written by a newer
 * Shardline, and any failure whose cause chain holds an {@link
 * dev.shardline.api.UnrecoverableException} (a missing stream, an unwritable output path, a poison
 * record under the {@code fail} bad-data policy); the {@link PipelineFailedException}'s message is
 * then that exception's.
 *
 * <pre>{@code
 * RestartPolicy policy = RestartPolicy.of(5, new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 0.2));
 * }</pre>
 *
 * @param maxRestarts how many restarts in a row are tried; 0 fails at the first error
 * @param backoff the wait before each restart ({@code delay(0)} before the first)
 */
public record RestartPolicy(int maxRestarts, Backoff backoff) {

  /** The default backoff: 1 s, doubling up to 30 s, jitter 0.2. */
  public static final Backoff DEFAULT_BACKOFF =
      new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2);

  /** The default: 3 restarts with {@link #DEFAULT_BACKOFF}. */
  public static final RestartPolicy DEFAULT = new RestartPolicy(3, DEFAULT_BACKOFF);

  public RestartPolicy {
    checkArgument(maxRestarts >= 0, "maxRestarts must be 0 or more, was " + maxRestarts);
    checkNotNull(backoff, "backoff");
  }

  /** Restarts up to {@code maxRestarts} times in a row with {@code backoff}. */
  public static RestartPolicy of(int maxRestarts, Backoff backoff) {
    return new RestartPolicy(maxRestarts, backoff);
  }

  /** Never restarts: the first error fails the pipeline. */
  public static RestartPolicy none() {
    return new RestartPolicy(0, DEFAULT_BACKOFF);
  }
}
