package dev.shardline.kinesis.internal;

import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.kinesis.KinesisAccessDeniedException;
import dev.shardline.kinesis.KinesisRequestException;
import dev.shardline.kinesis.KinesisStreamNotFoundException;
import dev.shardline.kinesis.KinesisThrottledException;
import dev.shardline.kinesis.KinesisTransientException;
import dev.shardline.kinesis.ShardIteratorExpiredException;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.util.Futures;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

/**
 * The Kinesis connector's one classifier: it maps an error of the AWS SDK (a whole call's
 * exception, or the error code of one PutRecords entry) to a Shardline exception whose type says
 * what it means, and the source and the sink both branch on that type:
 *
 * <ul>
 *   <li>{@link KinesisThrottledException} (retriable): over a quota; retried without limit by the
 *       source, with backoff;
 *   <li>{@link ShardIteratorExpiredException} (retriable): get a new iterator;
 *   <li>{@link KinesisTransientException} (retriable): a 5xx, a timeout, a broken connection,
 *       saying whether the request may have been carried out although it failed;
 *   <li>{@link KinesisStreamNotFoundException}, {@link KinesisAccessDeniedException}, a plain
 *       {@link UnrecoverableException} for a server that speaks no HTTP/2: no retry or restart
 *       fixes them;
 *   <li>{@link ServerUnreachableException} (as it came): no answer for longer than
 *       unreachableTimeout;
 *   <li>{@link KinesisRequestException}: anything else; not retried, left to the restart policy.
 * </ul>
 *
 * <p>A {@link ShardlineException} (already classified, or the connector's own) comes back as it is.
 * The exceptions made here carry no stack trace of their own (they are made for every throttled
 * call and every failed record; the SDK's exception, their cause, has one); their message is the
 * service's or the client's, without context: callers that fail with them add what failed and
 * where. In a package of its own so that the source and the sink both use it without depending on
 * each other. Stateless and thread-safe.
 */
public final class KinesisErrors {
  private KinesisErrors() {}

  private static final String NOT_FOUND = "ResourceNotFoundException";
  private static final String EXPIRED_ITERATOR = "ExpiredIteratorException";

  private static final Set<String> THROTTLING_CODES =
      Set.of(
          "ProvisionedThroughputExceededException",
          "KMSThrottlingException",
          "LimitExceededException",
          "ThrottlingException",
          "Throttling",
          "SlowDown");

  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "InternalFailure",
          "InternalFailureException",
          "InternalServerError",
          "ServiceUnavailable",
          "ServiceUnavailableException",
          "RequestTimeout",
          "RequestTimeoutException",
          "ResourceInUseException");

  private static final Set<String> ACCESS_CODES =
      Set.of(
          "AccessDeniedException",
          "UnrecognizedClientException",
          "InvalidSignatureException",
          "IncompleteSignature",
          "IncompleteSignatureException",
          "InvalidClientTokenId",
          "MissingAuthenticationToken",
          "MissingAuthenticationTokenException",
          "ExpiredToken",
          "ExpiredTokenException",
          "SignatureDoesNotMatch",
          "AuthFailure",
          "KMSAccessDeniedException");

  /**
   * Classifies the exception a whole call failed with (wrapped in completion or retry exceptions,
   * or not).
   */
  public static ShardlineException classify(Throwable error) {
    ServerUnreachableException unreachable = ServerUnreachableException.findIn(error);
    if (unreachable != null) {
      return unreachable;
    }
    Throwable e = Futures.unwrap(error);
    if (e instanceof ShardlineException known) {
      return known;
    }
    if (isHttp2Refused(e)) {
      return new UnrecoverableException(describe(e), e); // asking again in HTTP/2 cannot help
    }
    if (e instanceof SdkServiceException service) {
      int status = service.statusCode();
      return ofCode(
          codeOf(service),
          messageOf(service),
          status,
          service.isThrottlingException() || status == 429,
          e);
    }
    String message = String.valueOf(e.getMessage());
    if (e instanceof ApiCallAttemptTimeoutException
        || e instanceof ApiCallTimeoutException
        || e instanceof TimeoutException) {
      return new KinesisTransientException(message, "Timeout", true, e, false);
    }
    if (e instanceof SdkClientException) {
      if (message.contains("credentials") || message.contains("Credentials")) {
        return new KinesisAccessDeniedException(message, "CredentialsUnavailable", e, false);
      }
      return new KinesisTransientException(
          message,
          hasCause(e, IOException.class) ? "ConnectionError" : "ClientError",
          true,
          e,
          false);
    }
    if (e instanceof IOException) {
      return new KinesisTransientException(String.valueOf(e), "ConnectionError", true, e, false);
    }
    return new KinesisRequestException(String.valueOf(e), e.getClass().getSimpleName(), e, false);
  }

  /**
   * Classifies the error code of one failed PutRecords entry. An entry the answer marks failed was
   * not written, so a {@link KinesisTransientException} from here never {@link
   * KinesisTransientException#mayHaveBeenWritten() may have been written}.
   */
  public static ShardlineException ofRecordError(String errorCode, String errorMessage) {
    return ofCode(errorCode, errorMessage == null ? "" : errorMessage, 0, false, null);
  }

  /**
   * @param status the HTTP status of a whole call's answer, 0 for a PutRecords entry
   * @param throttling whether the SDK says the answer is throttling whatever its code
   */
  private static ShardlineException ofCode(
      String code, String message, int status, boolean throttling, Throwable cause) {
    if (NOT_FOUND.equals(code)) {
      return new KinesisStreamNotFoundException(message, code, cause, false);
    }
    if (ACCESS_CODES.contains(code) || status == 401 || status == 403) {
      return new KinesisAccessDeniedException(message, code, cause, false);
    }
    if (THROTTLING_CODES.contains(code) || throttling) {
      return new KinesisThrottledException(message, code, cause, false);
    }
    if (EXPIRED_ITERATOR.equals(code)) {
      return new ShardIteratorExpiredException(message, code, cause, false);
    }
    if (TRANSIENT_CODES.contains(code) || status >= 500) {
      // a whole call answered 5xx may have been carried out before it failed
      return new KinesisTransientException(message, code, status >= 500, cause, false);
    }
    // KMSDisabledException, KMSInvalidStateException, KMSNotFoundException, KMSOptInRequired, a bad
    // argument, and codes this connector does not know: a retry would meet them again
    return new KinesisRequestException(message, code, cause, false);
  }

  /**
   * The error code of an answer: AWS's, else (an exception made without the answer's details, as
   * test doubles make them) the code a Kinesis model exception stands for, else the HTTP status.
   */
  private static String codeOf(SdkServiceException service) {
    if (service instanceof AwsServiceException aws
        && aws.awsErrorDetails() != null
        && aws.awsErrorDetails().errorCode() != null) {
      return aws.awsErrorDetails().errorCode();
    }
    if (service instanceof KinesisException && service.getClass() != KinesisException.class) {
      String name = service.getClass().getSimpleName(); // KmsThrottlingException: KMSThrottling..
      return name.startsWith("Kms") ? "KMS" + name.substring(3) : name;
    }
    return "HTTP " + service.statusCode();
  }

  private static String messageOf(SdkServiceException service) {
    if (service instanceof AwsServiceException aws
        && aws.awsErrorDetails() != null
        && aws.awsErrorDetails().errorMessage() != null) {
      return aws.awsErrorDetails().errorMessage();
    }
    return String.valueOf(service.getMessage());
  }

  /**
   * The error to fail with when {@code classified} (from {@link #classify}) is one no retry or
   * restart can fix, saying what is wrong, where and how to fix it: the stream does not exist (or
   * is not visible to these credentials in this region), the credentials are missing, refused or
   * not allowed to make the call, or the server speaks no HTTP/2; an {@link UnrecoverableException}
   * that came already explained, as it is. Else null.
   *
   * @param operation what failed, e.g. {@code ListShards}
   * @param streams the stream(s), for the message
   * @param region where the source looked, e.g. {@code endpoint http://... (region us-east-1)}
   */
  public static UnrecoverableException unrecoverable(
      ShardlineException classified, String operation, String streams, String region) {
    if (!(classified instanceof UnrecoverableException unrecoverable)) {
      return null;
    }
    Throwable cause = classified.getCause();
    // an error a proxy of the user's made without a cause: its own message is the answer
    String answer =
        operation + ": " + (cause == null ? classified.getMessage() : describeAnswer(cause));
    if (classified instanceof KinesisStreamNotFoundException) {
      return explained(
          unrecoverable,
          "Kinesis stream(s) "
              + streams
              + " not found at "
              + region
              + " ("
              + answer
              + "). Create the stream, or fix the option streams (and awsRegion: a stream"
              + " belongs to one region and account)");
    }
    if (classified instanceof KinesisAccessDeniedException) {
      return explained(
          unrecoverable,
          "The credentials for Kinesis stream(s) "
              + streams
              + " at "
              + region
              + " were refused or could not be loaded ("
              + answer
              + "). Check awsCredentials and awsRegion: the credentials must be valid and"
              + " allow kinesis:ListShards, kinesis:GetShardIterator, kinesis:GetRecords and"
              + " kinesis:DescribeStreamSummary on the stream");
    }
    if (cause != null && isHttp2Refused(cause)) {
      return explained(
          unrecoverable,
          "Kinesis at "
              + region
              + " did not answer in HTTP/2 ("
              + operation
              + ": "
              + describe(cause)
              + "). The client speaks HTTP/2 for reader.type fan-out (AWS serves SubscribeToShard"
              + " over HTTP/2 only) or when clientConfigProperties.protocol is HTTP2; for a"
              + " server that speaks HTTP/1.1 only (kinesalite; kinesis-local over TLS) set"
              + " clientConfigProperties.protocol: HTTP1_1");
    }
    return unrecoverable;
  }

  /**
   * {@code classified} (from {@link #classify} or {@link #ofRecordError}) again, of the same type
   * with the same error code and cause, but with {@code message}, which says what failed, where and
   * what to do: the message the embedded runner ends the run with. With a stack trace (made once,
   * when a writer or reader fails).
   */
  public static UnrecoverableException explained(
      UnrecoverableException classified, String message) {
    Throwable cause = classified.getCause();
    if (classified instanceof KinesisStreamNotFoundException notFound) {
      return new KinesisStreamNotFoundException(message, notFound.errorCode(), cause);
    }
    if (classified instanceof KinesisAccessDeniedException denied) {
      return new KinesisAccessDeniedException(message, denied.errorCode(), cause);
    }
    return new UnrecoverableException(message, cause);
  }

  /**
   * The first AWS SDK (or I/O) exception in {@code error}'s cause chain, for errors that went
   * through retry wrappers; {@code error} unwrapped when there is none.
   */
  public static Throwable sdkCause(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof SdkException || e instanceof IOException) {
        return e;
      }
      if (e.getCause() == e) {
        break;
      }
    }
    return Futures.unwrap(error);
  }

  /**
   * Whether {@code error} (wrapped or not) means the call got no answer from the server: a
   * connection refused, reset or timed out, no connection from the pool in time, a call that timed
   * out. An error the server answered (any HTTP status) is not; nor are credentials that could not
   * be loaded. Not a question of retrying (both kinds may be retried) but of reachability: only
   * calls without an answer count towards unreachableTimeout.
   */
  public static boolean isNoAnswer(Throwable error) {
    Throwable e = Futures.unwrap(error);
    if (e instanceof SdkServiceException) {
      return false;
    }
    if (e instanceof ApiCallTimeoutException
        || e instanceof ApiCallAttemptTimeoutException
        || e instanceof IOException) {
      return true;
    }
    if (e instanceof SdkClientException) {
      // a connection error, or no pooled connection within the acquisition timeout (what
      // connecting to a server that does not answer also ends in)
      return ShardlineException.findCause(e.getCause(), IOException.class) != null
          || ShardlineException.findCause(e.getCause(), TimeoutException.class) != null;
    }
    return false;
  }

  /**
   * Whether {@code error} (wrapped or not) says the server did not speak HTTP/2 to a client that
   * does (Netty's {@code Http2Exception}: the first frame was not SETTINGS, an HTTP/1.1 answer).
   */
  private static boolean isHttp2Refused(Throwable error) {
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
    Throwable e = Futures.unwrap(error);
    if (e instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
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
    Throwable e = Futures.unwrap(error);
    String message = e.getMessage();
    String type = e.getClass().getSimpleName();
    return message == null ? type : type + ": " + message.replace('\n', ' ');
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    return ShardlineException.findCause(e, type) != null;
  }
}
