package dev.shardline.kinesis;

import dev.shardline.api.ShardlineException;

/**
 * Kinesis refused a call, or a PutRecords entry, in a way retrying the same request will not fix (a
 * bad argument, a disabled or missing KMS key: {@code ValidationException}, {@code
 * InvalidArgumentException}, {@code KMSDisabledException}), or a call failed with an error the
 * connector does not know. Neither a {@link dev.shardline.api.RetriableException} (the connector
 * does not retry it) nor an {@link dev.shardline.api.UnrecoverableException}: the pipeline fails
 * and the embedded runner restarts it from its last checkpoint as its restart policy allows.
 * Thread-safe (immutable).
 */
public class KinesisRequestException extends ShardlineException implements KinesisError {
  private static final long serialVersionUID = 1L;

  private final String errorCode;

  /**
   * @param message what happened
   * @param errorCode the Kinesis error code (see {@link KinesisError#errorCode()})
   * @param cause the SDK's exception, or null for the error code of one PutRecords entry
   */
  public KinesisRequestException(String message, String errorCode, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /**
   * As {@link #KinesisRequestException(String, String, Throwable)}; {@code writableStackTrace}
   * false leaves the stack trace out, for errors made in bulk (one per failed PutRecords entry, one
   * per throttled call) whose own stack trace says nothing (the cause keeps its own).
   */
  public KinesisRequestException(
      String message, String errorCode, Throwable cause, boolean writableStackTrace) {
    super(message, cause, true, writableStackTrace);
    this.errorCode = errorCode;
  }

  @Override
  public String errorCode() {
    return errorCode;
  }
}
