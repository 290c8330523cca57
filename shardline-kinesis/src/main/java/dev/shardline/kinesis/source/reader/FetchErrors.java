package dev.shardline.kinesis.source.reader;

import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.kinesis.internal.KinesisErrors;
import dev.shardline.retry.ServerUnreachableException;

/** The errors either fetcher fails its reader with whatever its retry budget. */
final class FetchErrors {
  private FetchErrors() {}

  /**
   * Fails the reader with errors that end it whatever the retry budget: Kinesis unreachable for
   * longer than unreachableTimeout (as is: it names the endpoint), or an error no restart can fix
   * (a missing stream, refused credentials).
   *
   * @param classified the error, as {@link KinesisErrors#classify} classified it
   * @return whether the reader was failed
   */
  static boolean failsForGood(
      ShardFetcher.Batches batches,
      ShardlineException classified,
      String operation,
      String stream,
      String region) {
    if (classified instanceof ServerUnreachableException) {
      batches.fail(classified);
      return true;
    }
    UnrecoverableException unrecoverable =
        KinesisErrors.unrecoverable(classified, operation, stream, region);
    if (unrecoverable != null) {
      batches.fail(unrecoverable);
      return true;
    }
    return false;
  }
}
