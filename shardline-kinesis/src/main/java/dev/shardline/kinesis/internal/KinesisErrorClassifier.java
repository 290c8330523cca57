package dev.shardline.kinesis.internal;

import dev.shardline.retry.ServerUnreachableException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The Kinesis connector's one classifier of SDK errors, for whole calls and for the error codes of
 * single PutRecords entries: which are worth retrying, which can never succeed (a missing stream,
 * refused credentials: the source and the sink both fail at once on those), and which leave it
 * unknown whether the records were written (so a retry may duplicate them). In a package of its own
 * so that the source and the sink both use it without depending on each other. Stateless.
 */
public final class KinesisErrorClassifier {
  private KinesisErrorClassifier() {}

  /** A classified error. */
  public enum Kind {
    /** Retry: throttling, a 5xx, a timeout, a broken connection. */
    RETRIABLE,
    /** The stream does not exist (or is not visible to these credentials in this region). */
    STREAM_NOT_FOUND,
    /** The credentials are missing, invalid, expired or not allowed to write. */
    ACCESS,
    /** Kinesis gave no answer for longer than unreachableTimeout: fail, naming the endpoint. */
    UNREACHABLE,
    /** Anything else no retry fixes: a bad request, a disabled KMS key. */
    FATAL
  }

  /**
   * @param kind what it means
   * @param errorCode the Kinesis error code, or a name for client-side errors ({@code Timeout},
   *     {@code ConnectionError}, {@code ClientError})
   * @param message the service's or client's message
   * @param ambiguous whether the request may have been written although it failed
   * @param cause the exception, or null for a per-record error code
   */
  public record Classified(
      Kind kind, String errorCode, String message, boolean ambiguous, Throwable cause) {
    /** Whether a retry may succeed. */
    public boolean retriable() {
      return kind == Kind.RETRIABLE;
    }
  }

  private static final Set<String> RETRIABLE_CODES =
      Set.of(
          "ProvisionedThroughputExceededException",
          "InternalFailure",
          "InternalFailureException",
          "InternalServerError",
          "ServiceUnavailable",
          "ServiceUnavailableException",
          "KMSThrottlingException",
          "LimitExceededException",
          "ThrottlingException",
          "Throttling",
          "RequestTimeout",
          "RequestTimeoutException",
          "ResourceInUseException",
          "SlowDown");

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

  /** Classifies the error code of one failed PutRecords entry. */
  public static Classified ofRecordError(String errorCode, String errorMessage) {
    String message = errorMessage == null ? "" : errorMessage;
    if (RETRIABLE_CODES.contains(errorCode)) {
      // a record the response marks failed was not written: retrying it cannot duplicate it
      return new Classified(Kind.RETRIABLE, errorCode, message, false, null);
    }
    if (ACCESS_CODES.contains(errorCode)) {
      return new Classified(Kind.ACCESS, errorCode, message, false, null);
    }
    // KMSDisabledException, KMSInvalidStateException, KMSNotFoundException, KMSOptInRequired,
    // and codes this sink does not know: a retry would meet them again
    return new Classified(Kind.FATAL, errorCode, message, false, null);
  }

  /**
   * The error inside completion wrappers ({@code CompletionException}, {@code ExecutionException}).
   */
  public static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Classifies the exception a whole call failed with. */
  public static Classified ofException(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof ServerUnreachableException unreachable) {
      return new Classified(
          Kind.UNREACHABLE, "Unreachable", unreachable.getMessage(), true, unreachable);
    }
    if (e instanceof AwsServiceException service) {
      String code =
          service.awsErrorDetails() != null && service.awsErrorDetails().errorCode() != null
              ? service.awsErrorDetails().errorCode()
              : "HTTP " + service.statusCode();
      String message =
          service.awsErrorDetails() != null && service.awsErrorDetails().errorMessage() != null
              ? service.awsErrorDetails().errorMessage()
              : String.valueOf(service.getMessage());
      int status = service.statusCode();
      if ("ResourceNotFoundException".equals(code)
          || e instanceof software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException) {
        return new Classified(Kind.STREAM_NOT_FOUND, code, message, false, e);
      }
      if (ACCESS_CODES.contains(code) || status == 401 || status == 403) {
        return new Classified(Kind.ACCESS, code, message, false, e);
      }
      if (RETRIABLE_CODES.contains(code) || status >= 500 || service.isThrottlingException()) {
        return new Classified(Kind.RETRIABLE, code, message, status >= 500, e);
      }
      return new Classified(Kind.FATAL, code, message, false, e);
    }
    if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
      return new Classified(Kind.RETRIABLE, "Timeout", String.valueOf(e.getMessage()), true, e);
    }
    if (e instanceof SdkClientException client) {
      String message = String.valueOf(client.getMessage());
      if (message.contains("credentials") || message.contains("Credentials")) {
        return new Classified(Kind.ACCESS, "CredentialsUnavailable", message, false, e);
      }
      if (hasCause(e, IOException.class)) {
        return new Classified(Kind.RETRIABLE, "ConnectionError", message, true, e);
      }
      return new Classified(Kind.RETRIABLE, "ClientError", message, true, e);
    }
    if (e instanceof IOException) {
      return new Classified(Kind.RETRIABLE, "ConnectionError", String.valueOf(e), true, e);
    }
    return new Classified(Kind.FATAL, e.getClass().getSimpleName(), String.valueOf(e), false, e);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
