package dev.shardline.runtime;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.retry.Backoff;
import java.time.Duration;

/**
 * What a {@link Pipeline} does when a worker, the enumerator, a commit or a checkpoint fails: stop
 * every worker, wait {@code backoff.delay(n)}, restore from the last completed checkpoint and run
 * again, up to {@code maxRestarts} times in a row. A restart that gets as far as completing a
 * checkpoint made progress, so the count starts again from zero after it; a pipeline that fails
 * {@code maxRestarts + 1} times without completing a checkpoint in between fails for good with a
 * {@link PipelineFailedException} carrying the last error (earlier ones suppressed). Immutable and
 * thread-safe.
 *
 * <p>Errors that a restart cannot fix fail the pipeline at once: a checkpoint of another source, a
 * checkpoint directory held by another pipeline, a checkpoint written by a newer Shardline.
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
