package dev.shardline.kinesis;

import dev.shardline.api.UnrecoverableException;

/**
 * The credentials are missing, invalid or expired, or not allowed to make the call or to use the
 * stream's KMS key ({@code AccessDeniedException}, {@code UnrecognizedClientException}, {@code
 * KMSAccessDeniedException}, HTTP 401/403, or {@code CredentialsUnavailable} when the SDK found
 * none). No retry or restart can fix it: the source and the sink fail at once and the embedded
 * runner ends the run with this message as its last line. What to do: check {@code awsCredentials}
 * and {@code awsRegion}, and the policy of those credentials. Thread-safe (immutable).
 */
public class KinesisAccessDeniedException extends UnrecoverableException implements KinesisError {
  private static final long serialVersionUID = 1L;

  private final String errorCode;

  /**
   * @param message what happened
   * @param errorCode the Kinesis error code (see {@link KinesisError#errorCode()})
   * @param cause the SDK's exception, or null for the error code of one PutRecords entry
   */
  public KinesisAccessDeniedException(String message, String errorCode, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /**
   * As {@link #KinesisAccessDeniedException(String, String, Throwable)}; {@code writableStackTrace}
   * false leaves the stack trace out, for errors made in bulk (one per failed PutRecords entry, one
   * per throttled call) whose own stack trace says nothing (the cause keeps its own).
   */
  public KinesisAccessDeniedException(
      String message, String errorCode, Throwable cause, boolean writableStackTrace) {
    super(message, cause, true, writableStackTrace);
    this.errorCode = errorCode;
  }

  @Override
  public String errorCode() {
    return errorCode;
  }
}
