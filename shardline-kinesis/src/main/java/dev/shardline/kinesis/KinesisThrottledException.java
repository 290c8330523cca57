package dev.shardline.kinesis;

import dev.shardline.api.RetriableException;

/**
 * Kinesis refused a call, or a PutRecords entry, for being over a quota: a shard's read or write
 * throughput ({@code ProvisionedThroughputExceededException}), the account's rate of control calls
 * ({@code LimitExceededException}, {@code ThrottlingException}), or the KMS key's request rate
 * ({@code KMSThrottlingException}). Nothing was read or written. The source retries it without
 * limit, with exponential backoff and jitter ({@code retry.backoff.*}): throttling alone never
 * stops it; the sink retries the refused records (only those) within {@code retry.maxAttempts} and
 * {@code retry.timeout}. What to do when it persists: add shards, spread the partition keys, or
 * read or write less. Thread-safe (immutable).
 */
public class KinesisThrottledException extends RetriableException implements KinesisError {
  private static final long serialVersionUID = 1L;

  private final String errorCode;

  /**
   * @param message what happened
   * @param errorCode the Kinesis error code (see {@link KinesisError#errorCode()})
   * @param cause the SDK's exception, or null for the error code of one PutRecords entry
   */
  public KinesisThrottledException(String message, String errorCode, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /**
   * As {@link #KinesisThrottledException(String, String, Throwable)}; {@code writableStackTrace}
   * false leaves the stack trace out, for errors made in bulk (one per failed PutRecords entry, one
   * per throttled call) whose own stack trace says nothing (the cause keeps its own).
   */
  public KinesisThrottledException(
      String message, String errorCode, Throwable cause, boolean writableStackTrace) {
    super(message, cause, true, writableStackTrace);
    this.errorCode = errorCode;
  }

  @Override
  public String errorCode() {
    return errorCode;
  }
}
