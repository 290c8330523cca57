package dev.shardline.kinesis;

import dev.shardline.api.UnrecoverableException;

/**
 * The stream does not exist, or is not visible to these credentials in this region ({@code
 * ResourceNotFoundException}). No retry or restart can fix it: the source and the sink fail at once
 * and the embedded runner ends the run with this message as its last line. What to do: create the
 * stream, or fix the option naming it and {@code awsRegion} (a stream belongs to one region and
 * account). Thread-safe (immutable).
 */
public class KinesisStreamNotFoundException extends UnrecoverableException implements KinesisError {
  private static final long serialVersionUID = 1L;

  private final String errorCode;

  /**
   * @param message what happened
   * @param errorCode the Kinesis error code (see {@link KinesisError#errorCode()})
   * @param cause the SDK's exception, or null for the error code of one PutRecords entry
   */
  public KinesisStreamNotFoundException(String message, String errorCode, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /**
   * As {@link #KinesisStreamNotFoundException(String, String, Throwable)}; {@code
   * writableStackTrace} false leaves the stack trace out, for errors made in bulk (one per failed
   * PutRecords entry, one per throttled call) whose own stack trace says nothing (the cause keeps
   * its own).
   */
  public KinesisStreamNotFoundException(
      String message, String errorCode, Throwable cause, boolean writableStackTrace) {
    super(message, cause, true, writableStackTrace);
    this.errorCode = errorCode;
  }

  @Override
  public String errorCode() {
    return errorCode;
  }
}
