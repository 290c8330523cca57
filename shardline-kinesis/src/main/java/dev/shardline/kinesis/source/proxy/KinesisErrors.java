package dev.shardline.kinesis.source.proxy;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

/**
 * The one place that says what a Kinesis error means for the source: throttling (retry without
 * limit, with backoff), an expired iterator (get a new one), a transient failure (retry a bounded
 * number of times), or a fatal one (fail now). Stateless and thread-safe.
 */
public final class KinesisErrors {
  private KinesisErrors() {}

  /** What an error means. */
  public enum Kind {
    /** Over a quota: back off and retry, never give up for this alone. */
    THROTTLED,
    /** The shard iterator expired: get a new one after the last emitted record. */
    EXPIRED_ITERATOR,
    /** A server error, a timeout, a broken connection: back off and retry a bounded number. */
    TRANSIENT,
    /** Anything else (missing stream, no permission, bad argument): fail. */
    FATAL
  }

  /** The error inside completion wrappers. */
  public static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /**
   * The first AWS SDK (or I/O) exception in {@code error}'s cause chain, for errors that went
   * through retry wrappers; {@code error} unwrapped when there is none.
   */
  public static Throwable sdkCause(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof software.amazon.awssdk.core.exception.SdkException
          || e instanceof java.io.IOException) {
        return e;
      }
      if (e.getCause() == e) {
        break;
      }
    }
    return unwrap(error);
  }

  /** Classifies {@code error} (wrapped or not). */
  public static Kind classify(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof ProvisionedThroughputExceededException
        || e instanceof LimitExceededException
        || e instanceof KmsThrottlingException) {
      return Kind.THROTTLED;
    }
    if (e instanceof ExpiredIteratorException) {
      return Kind.EXPIRED_ITERATOR;
    }
    if (e instanceof SdkServiceException service) {
      if (service.isThrottlingException() || service.statusCode() == 429) {
        return Kind.THROTTLED;
      }
      if (service.statusCode() >= 500) {
        return Kind.TRANSIENT;
      }
      return Kind.FATAL;
    }
    if (e instanceof ApiCallTimeoutException
        || e instanceof ApiCallAttemptTimeoutException
        || e instanceof SdkClientException
        || e instanceof java.io.IOException
        || e instanceof java.util.concurrent.TimeoutException) {
      return Kind.TRANSIENT;
    }
    return Kind.FATAL;
  }

  /** A short description for messages: the error's type and message, on one line. */
  public static String describe(Throwable error) {
    Throwable e = unwrap(error);
    String message = e.getMessage();
    String type = e.getClass().getSimpleName();
    return message == null ? type : type + ": " + message.replace('\n', ' ');
  }
}
