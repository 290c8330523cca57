package dev.shardline.kinesis.source.proxy;

import dev.shardline.api.UnrecoverableException;
import dev.shardline.kinesis.internal.KinesisErrorClassifier;
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
    return KinesisErrorClassifier.unwrap(error);
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
    if (isHttp2Refused(e)) {
      return Kind.FATAL; // the server speaks no HTTP/2: asking again cannot help
    }
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

  /**
   * Whether {@code error} (wrapped or not) means the call got no answer from the server: a
   * connection refused, reset or timed out, no connection from the pool in time, a call that timed
   * out. An error the server answered (any HTTP status) is not; nor are credentials that could not
   * be loaded.
   */
  public static boolean isNoAnswer(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof SdkServiceException) {
      return false;
    }
    if (e instanceof ApiCallTimeoutException
        || e instanceof ApiCallAttemptTimeoutException
        || e instanceof java.io.IOException) {
      return true;
    }
    if (e instanceof SdkClientException) {
      // a connection error, or no pooled connection within the acquisition timeout (what
      // connecting to a server that does not answer also ends in)
      for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof java.io.IOException
            || t instanceof java.util.concurrent.TimeoutException) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code error} as an {@link UnrecoverableException} when no retry or restart can fix it: the
   * stream does not exist (or is not visible to these credentials in this region), or the
   * credentials are missing, refused or not allowed to make the call; else null.
   *
   * @param operation what failed, e.g. {@code ListShards}
   * @param streams the stream(s), for the message
   * @param region where the source looked, e.g. {@code endpoint http://... (region us-east-1)}
   */
  public static UnrecoverableException unrecoverable(
      Throwable error, String operation, String streams, String region) {
    if (isHttp2Refused(error)) {
      return new UnrecoverableException(
          "Kinesis at "
              + region
              + " did not answer in HTTP/2 ("
              + operation
              + ": "
              + describe(error)
              + "). The client speaks HTTP/2 for reader.type fan-out (AWS serves SubscribeToShard"
              + " over HTTP/2 only) or when clientConfigProperties.protocol is HTTP2; for a"
              + " server that speaks HTTP/1.1 only (kinesalite; kinesis-local over TLS) set"
              + " clientConfigProperties.protocol: HTTP1_1",
          unwrap(error));
    }
    KinesisErrorClassifier.Classified classified = KinesisErrorClassifier.ofException(error);
    String cause = operation + ": " + describeAnswer(error);
    return switch (classified.kind()) {
      case STREAM_NOT_FOUND ->
          new UnrecoverableException(
              "Kinesis stream(s) "
                  + streams
                  + " not found at "
                  + region
                  + " ("
                  + cause
                  + "). Create the stream, or fix the option streams (and awsRegion: a stream"
                  + " belongs to one region and account)",
              unwrap(error));
      case ACCESS ->
          new UnrecoverableException(
              "The credentials for Kinesis stream(s) "
                  + streams
                  + " at "
                  + region
                  + " were refused or could not be loaded ("
                  + cause
                  + "). Check awsCredentials and awsRegion: the credentials must be valid and"
                  + " allow kinesis:ListShards, kinesis:GetShardIterator, kinesis:GetRecords and"
                  + " kinesis:DescribeStreamSummary on the stream",
              unwrap(error));
      default -> null;
    };
  }

  /**
   * Whether {@code error} (wrapped or not) says the server did not speak HTTP/2 to a client that
   * does (Netty's {@code Http2Exception}: the first frame was not SETTINGS, an HTTP/1.1 answer).
   */
  public static boolean isHttp2Refused(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (t.getClass().getName().endsWith("Http2Exception")
          || message.contains("First received frame was not SETTINGS")) {
        return true;
      }
    }
    return false;
  }

  /**
   * What Kinesis answered, for a message a user reads: AWS's own message and error code, without
   * the SDK's request ids and status line ("Stream orders under account 1234 not found
   * (ResourceNotFoundException)"); other errors as {@link #describe}.
   */
  public static String describeAnswer(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
        && aws.awsErrorDetails() != null) {
      String code = aws.awsErrorDetails().errorCode();
      String message = aws.awsErrorDetails().errorMessage();
      if (message != null) {
        return message.replace('\n', ' ').strip() + (code == null ? "" : " (" + code + ")");
      }
      if (code != null) {
        return code; // an answer with no message, e.g. kinesalite's UnknownOperationException
      }
    }
    return describe(error);
  }

  /** A short description for messages: the error's type and message, on one line. */
  public static String describe(Throwable error) {
    Throwable e = unwrap(error);
    String message = e.getMessage();
    String type = e.getClass().getSimpleName();
    return message == null ? type : type + ": " + message.replace('\n', ' ');
  }
}
