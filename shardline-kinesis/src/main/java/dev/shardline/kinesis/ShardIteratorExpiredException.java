package dev.shardline.kinesis;

import dev.shardline.api.RetriableException;

/**
 * A shard iterator was used after it expired ({@code ExpiredIteratorException}: iterators live 5
 * minutes). The source gets a new iterator right after the last record it emitted and goes on, so
 * no record is lost or read twice; it fails only when this happens {@code retry.maxAttempts} times
 * in a row on one shard. Thread-safe (immutable).
 */
public class ShardIteratorExpiredException extends RetriableException implements KinesisError {
  private static final long serialVersionUID = 1L;

  private final String errorCode;

  /**
   * @param message what happened
   * @param errorCode the Kinesis error code (see {@link KinesisError#errorCode()})
   * @param cause the SDK's exception, or null for the error code of one PutRecords entry
   */
  public ShardIteratorExpiredException(String message, String errorCode, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /**
   * As {@link #ShardIteratorExpiredException(String, String, Throwable)}; {@code
   * writableStackTrace} false leaves the stack trace out, for errors made in bulk (one per failed
   * PutRecords entry, one per throttled call) whose own stack trace says nothing (the cause keeps
   * its own).
   */
  public ShardIteratorExpiredException(
      String message, String errorCode, Throwable cause, boolean writableStackTrace) {
    super(message, cause, true, writableStackTrace);
    this.errorCode = errorCode;
  }

  @Override
  public String errorCode() {
    return errorCode;
  }
}
