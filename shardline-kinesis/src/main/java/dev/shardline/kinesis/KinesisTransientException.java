package dev.shardline.kinesis;

import dev.shardline.api.RetriableException;

/**
 * A call, or a PutRecords entry, failed in a way that may pass: a server error (HTTP 5xx, {@code
 * InternalFailure}, {@code ServiceUnavailable}), a stream or consumer not {@code ACTIVE} yet
 * ({@code ResourceInUseException}), a timeout ({@code Timeout}) or a broken connection ({@code
 * ConnectionError}). The source retries the call {@code retry.maxAttempts} times with backoff
 * before it fails; the sink retries the records within {@code retry.maxAttempts} and {@code
 * retry.timeout}. When Kinesis gives no answer at all for longer than {@code unreachableTimeout},
 * the connector fails with a {@link dev.shardline.retry.ServerUnreachableException} naming the
 * endpoint instead. Thread-safe (immutable).
 */
public class KinesisTransientException extends RetriableException implements KinesisError {
  private static final long serialVersionUID = 1L;

  private final String errorCode;
  private final boolean mayHaveBeenWritten;

  /**
   * @param message what happened
   * @param errorCode the Kinesis error code (see {@link KinesisError#errorCode()})
   * @param mayHaveBeenWritten whether the request may have been carried out although it failed
   * @param cause the SDK's exception, or null for the error code of one PutRecords entry
   */
  public KinesisTransientException(
      String message, String errorCode, boolean mayHaveBeenWritten, Throwable cause) {
    this(message, errorCode, mayHaveBeenWritten, cause, true);
  }

  /**
   * As {@link #KinesisTransientException(String, String, boolean, Throwable)}; {@code
   * writableStackTrace} false leaves the stack trace out, for errors made in bulk (one per failed
   * PutRecords entry) whose own stack trace says nothing (the cause keeps its own).
   */
  public KinesisTransientException(
      String message,
      String errorCode,
      boolean mayHaveBeenWritten,
      Throwable cause,
      boolean writableStackTrace) {
    super(message, cause, true, writableStackTrace);
    this.errorCode = errorCode;
    this.mayHaveBeenWritten = mayHaveBeenWritten;
  }

  @Override
  public String errorCode() {
    return errorCode;
  }

  /**
   * Whether the request may have been carried out although it failed: true after a timeout, a
   * broken connection or an HTTP 5xx answer to a whole call (the server may have written the
   * records before it failed, so the sink's retry may write them twice: at-least-once); false for a
   * PutRecords entry the answer marks failed (it was not written) and for errors sent before the
   * server acted ({@code ResourceInUseException}).
   */
  public boolean mayHaveBeenWritten() {
    return mayHaveBeenWritten;
  }
}
