package dev.shardline.kinesis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.kinesis.KinesisAccessDeniedException;
import dev.shardline.kinesis.KinesisError;
import dev.shardline.kinesis.KinesisRequestException;
import dev.shardline.kinesis.KinesisStreamNotFoundException;
import dev.shardline.kinesis.KinesisThrottledException;
import dev.shardline.kinesis.KinesisTransientException;
import dev.shardline.kinesis.ShardIteratorExpiredException;
import dev.shardline.kinesis.testing.ServiceErrors;
import dev.shardline.retry.ServerUnreachableException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.KmsAccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * The Kinesis connector's one classifier, shared by the source and the sink: each SDK exception or
 * PutRecords error code maps to one exception type, and that type alone says whether it is retried
 * (a {@link RetriableException}), ends the run at once (an {@link UnrecoverableException}) or is
 * left to the restart policy (neither).
 */
class KinesisErrorsTest {

  // ---------------------------------------------------------------- whole calls: retriable

  @Test
  void quotaErrorsAreThrottledAndRetriable() {
    assertRetriable(
        KinesisErrors.classify(serviceError(400, "ProvisionedThroughputExceededException")),
        KinesisThrottledException.class,
        "ProvisionedThroughputExceededException");
    assertRetriable(
        KinesisErrors.classify(serviceError(400, "LimitExceededException")),
        KinesisThrottledException.class,
        "LimitExceededException");
    assertRetriable(
        KinesisErrors.classify(serviceError(400, "ThrottlingException")),
        KinesisThrottledException.class,
        "ThrottlingException");
    // any code answered with 429 Too Many Requests
    assertRetriable(
        KinesisErrors.classify(serviceError(429, "SomethingNew")),
        KinesisThrottledException.class,
        "SomethingNew");
  }

  @Test
  void quotaErrorsMadeWithoutTheAnswersDetailsAreThrottledByTheirClass() {
    // how test doubles (and the SDK's model builders) make them: no AwsErrorDetails
    assertRetriable(
        KinesisErrors.classify(
            new CompletionException(
                ProvisionedThroughputExceededException.builder().message("Rate exceeded").build())),
        KinesisThrottledException.class,
        "ProvisionedThroughputExceededException");
    assertRetriable(
        KinesisErrors.classify(LimitExceededException.builder().message("x").build()),
        KinesisThrottledException.class,
        "LimitExceededException");
    assertRetriable(
        KinesisErrors.classify(KmsThrottlingException.builder().message("x").build()),
        KinesisThrottledException.class,
        "KMSThrottlingException");
  }

  @Test
  void anExpiredIteratorIsItsOwnRetriableType() {
    assertRetriable(
        KinesisErrors.classify(ExpiredIteratorException.builder().message("expired").build()),
        ShardIteratorExpiredException.class,
        "ExpiredIteratorException");
    assertRetriable(
        KinesisErrors.classify(serviceError(400, "ExpiredIteratorException")),
        ShardIteratorExpiredException.class,
        "ExpiredIteratorException");
  }

  @Test
  void serverErrorsAreTransientAndMayHaveBeenWritten() {
    KinesisTransientException internal =
        assertRetriable(
            KinesisErrors.classify(serviceError(500, "InternalFailure")),
            KinesisTransientException.class,
            "InternalFailure");
    KinesisTransientException unavailable =
        assertRetriable(
            KinesisErrors.classify(serviceError(503, "ServiceUnavailable")),
            KinesisTransientException.class,
            "ServiceUnavailable");
    KinesisTransientException noCode =
        assertRetriable(
            KinesisErrors.classify(
                KinesisException.builder().statusCode(502).message("Bad Gateway").build()),
            KinesisTransientException.class,
            "HTTP 502");

    assertThat(internal.mayHaveBeenWritten()).isTrue();
    assertThat(unavailable.mayHaveBeenWritten()).isTrue();
    assertThat(noCode.mayHaveBeenWritten()).isTrue();
  }

  @Test
  void aResourceNotActiveYetIsTransientAndWasNotWritten() {
    // the source and the sink disagreed on this one: the source failed at once
    KinesisTransientException inUse =
        assertRetriable(
            KinesisErrors.classify(ResourceInUseException.builder().message("UPDATING").build()),
            KinesisTransientException.class,
            "ResourceInUseException");

    assertThat(inUse.mayHaveBeenWritten()).isFalse();
  }

  @Test
  void timeoutsAndBrokenConnectionsAreTransientAndMayHaveBeenWritten() {
    KinesisTransientException attempt =
        assertRetriable(
            KinesisErrors.classify(
                new CompletionException(ApiCallAttemptTimeoutException.create(10_000))),
            KinesisTransientException.class,
            "Timeout");
    KinesisTransientException call =
        assertRetriable(
            KinesisErrors.classify(ApiCallTimeoutException.create(30_000)),
            KinesisTransientException.class,
            "Timeout");
    KinesisTransientException future =
        assertRetriable(
            KinesisErrors.classify(new ExecutionException(new TimeoutException("no answer"))),
            KinesisTransientException.class,
            "Timeout");
    KinesisTransientException dropped =
        assertRetriable(
            KinesisErrors.classify(
                SdkClientException.create(
                    "Unable to execute HTTP request", new IOException("Connection reset"))),
            KinesisTransientException.class,
            "ConnectionError");
    KinesisTransientException io =
        assertRetriable(
            KinesisErrors.classify(new IOException("Broken pipe")),
            KinesisTransientException.class,
            "ConnectionError");
    KinesisTransientException client =
        assertRetriable(
            KinesisErrors.classify(SdkClientException.create("Unable to marshall request")),
            KinesisTransientException.class,
            "ClientError");

    assertThat(attempt.mayHaveBeenWritten()).isTrue();
    assertThat(call.mayHaveBeenWritten()).isTrue();
    assertThat(future.mayHaveBeenWritten()).isTrue();
    assertThat(dropped.mayHaveBeenWritten()).isTrue();
    assertThat(io.mayHaveBeenWritten()).isTrue();
    assertThat(client.mayHaveBeenWritten()).isTrue();
  }

  // ---------------------------------------------------------------- whole calls: not retriable

  @Test
  void aMissingStreamIsUnrecoverable() {
    assertUnrecoverable(
        KinesisErrors.classify(serviceError(400, "ResourceNotFoundException")),
        KinesisStreamNotFoundException.class,
        "ResourceNotFoundException");
    assertUnrecoverable(
        KinesisErrors.classify(
            new CompletionException(ResourceNotFoundException.builder().message("x").build())),
        KinesisStreamNotFoundException.class,
        "ResourceNotFoundException");
  }

  @Test
  void refusedOrMissingCredentialsAreUnrecoverable() {
    assertUnrecoverable(
        KinesisErrors.classify(serviceError(400, "AccessDeniedException")),
        KinesisAccessDeniedException.class,
        "AccessDeniedException");
    assertUnrecoverable(
        KinesisErrors.classify(serviceError(400, "UnrecognizedClientException")),
        KinesisAccessDeniedException.class,
        "UnrecognizedClientException");
    assertUnrecoverable(
        KinesisErrors.classify(serviceError(403, "SomethingNew")),
        KinesisAccessDeniedException.class,
        "SomethingNew");
    assertUnrecoverable(
        KinesisErrors.classify(KmsAccessDeniedException.builder().message("x").build()),
        KinesisAccessDeniedException.class,
        "KMSAccessDeniedException");
    assertUnrecoverable(
        KinesisErrors.classify(
            SdkClientException.create(
                "Unable to load credentials from any of the providers in the chain")),
        KinesisAccessDeniedException.class,
        "CredentialsUnavailable");
  }

  @Test
  void aServerThatSpeaksNoHttp2IsUnrecoverable() {
    ShardlineException error =
        KinesisErrors.classify(
            new CompletionException(
                SdkClientException.create(
                    "Unable to execute HTTP request",
                    new IllegalStateException(
                        "First received frame was not SETTINGS. Hex dump for first 5 bytes:"
                            + " 485454502f"))));

    assertThat(error).isExactlyInstanceOf(UnrecoverableException.class);
  }

  @Test
  void badRequestsAndUnknownErrorsAreNeitherRetriedNorUnrecoverable() {
    ShardlineException validation =
        KinesisErrors.classify(serviceError(400, "ValidationException"));
    ShardlineException bug = KinesisErrors.classify(new IllegalStateException("a bug"));

    assertThat(validation)
        .isExactlyInstanceOf(KinesisRequestException.class)
        .isNotInstanceOf(RetriableException.class)
        .isNotInstanceOf(UnrecoverableException.class);
    assertThat(((KinesisError) validation).errorCode()).isEqualTo("ValidationException");
    assertThat(bug).isExactlyInstanceOf(KinesisRequestException.class);
    assertThat(((KinesisError) bug).errorCode()).isEqualTo("IllegalStateException");
  }

  @Test
  void anUnreachableServerAndShardlineErrorsComeBackAsTheyAre() {
    ServerUnreachableException unreachable =
        new ServerUnreachableException(
            "Cannot reach Kinesis at http://127.0.0.1:1",
            "Kinesis at http://127.0.0.1:1",
            Duration.ofSeconds(30),
            new IOException("Connection refused"));
    ShardlineException own = new ShardlineException("set cborEnabled: false");
    ShardlineException classified = KinesisErrors.classify(serviceError(500, "InternalFailure"));

    assertThat(KinesisErrors.classify(new CompletionException(unreachable))).isSameAs(unreachable);
    assertThat(KinesisErrors.classify(new CompletionException(own))).isSameAs(own);
    assertThat(KinesisErrors.classify(classified)).isSameAs(classified);
  }

  @Test
  void theServicesMessageIsTheMessageAndTheSdkExceptionTheCause() {
    KinesisException sdk = serviceError(400, "ResourceNotFoundException");
    ShardlineException error = KinesisErrors.classify(new CompletionException(sdk));

    assertThat(error).hasMessage("Stream orders under account 123 not found.").hasCause(sdk);
    // made for every throttled call and failed record: the SDK's exception has the stack trace
    assertThat(error.getStackTrace()).isEmpty();
  }

  // ---------------------------------------------------------------- PutRecords entries

  @Test
  void recordErrorCodesMapToTheSameTypesAndWereNotWritten() {
    assertRetriable(
        KinesisErrors.ofRecordError("ProvisionedThroughputExceededException", "Rate exceeded"),
        KinesisThrottledException.class,
        "ProvisionedThroughputExceededException");
    assertRetriable(
        KinesisErrors.ofRecordError("KMSThrottlingException", "x"),
        KinesisThrottledException.class,
        "KMSThrottlingException");
    KinesisTransientException internal =
        assertRetriable(
            KinesisErrors.ofRecordError("InternalFailure", "Internal service failure."),
            KinesisTransientException.class,
            "InternalFailure");
    assertUnrecoverable(
        KinesisErrors.ofRecordError("KMSAccessDeniedException", "x"),
        KinesisAccessDeniedException.class,
        "KMSAccessDeniedException");
    ShardlineException disabled = KinesisErrors.ofRecordError("KMSDisabledException", "x");
    ShardlineException unknown = KinesisErrors.ofRecordError("SomethingNew", null);

    // the answer marks the entry failed: it was not written, so a retry cannot duplicate it
    assertThat(internal.mayHaveBeenWritten()).isFalse();
    assertThat(internal).hasMessage("Internal service failure.").hasNoCause();
    assertThat(internal.getStackTrace()).isEmpty();
    assertThat(disabled)
        .isExactlyInstanceOf(KinesisRequestException.class)
        .isNotInstanceOf(RetriableException.class)
        .isNotInstanceOf(UnrecoverableException.class);
    assertThat(unknown).isExactlyInstanceOf(KinesisRequestException.class).hasMessage("");
  }

  // ---------------------------------------------------------------- explained for the user

  @Test
  void unrecoverableNamesWhatWhereAndTheFixKeepingTheType() {
    KinesisException sdk = serviceError(400, "ResourceNotFoundException");
    UnrecoverableException notFound =
        KinesisErrors.unrecoverable(
            KinesisErrors.classify(sdk), "ListShards", "orders", "region us-east-1");
    UnrecoverableException denied =
        KinesisErrors.unrecoverable(
            KinesisErrors.classify(serviceError(400, "AccessDeniedException")),
            "GetRecords",
            "orders",
            "region us-east-1");

    assertThat(notFound)
        .isInstanceOf(KinesisStreamNotFoundException.class)
        .hasMessage(
            "Kinesis stream(s) orders not found at region us-east-1 (ListShards: Stream orders"
                + " under account 123 not found. (ResourceNotFoundException)). Create the stream,"
                + " or fix the option streams (and awsRegion: a stream belongs to one region and"
                + " account)")
        .hasCause(sdk);
    assertThat(notFound.getStackTrace()).isNotEmpty();
    assertThat(denied)
        .isInstanceOf(KinesisAccessDeniedException.class)
        .hasMessageStartingWith("The credentials for Kinesis stream(s) orders at region us-east-1")
        .hasMessageContaining("Check awsCredentials and awsRegion");
    assertThat(((KinesisError) denied).errorCode()).isEqualTo("AccessDeniedException");
    assertThat(
            KinesisErrors.unrecoverable(
                KinesisErrors.classify(serviceError(500, "InternalFailure")),
                "ListShards",
                "o",
                "r"))
        .isNull();
    assertThat(
            KinesisErrors.unrecoverable(
                KinesisErrors.classify(serviceError(400, "ValidationException")),
                "ListShards",
                "o",
                "r"))
        .isNull();
  }

  @Test
  void anErrorAProxyOfTheUsersMadeWithoutACauseIsExplainedWithItsOwnMessage() {
    ShardlineException own =
        new KinesisStreamNotFoundException(
            "no stream orders in this test", "ResourceNotFoundException", null);

    UnrecoverableException error =
        KinesisErrors.unrecoverable(
            KinesisErrors.classify(new CompletionException(own)),
            "GetRecords",
            "orders",
            "region us-east-1");

    assertThat(error)
        .isInstanceOf(KinesisStreamNotFoundException.class)
        .hasMessageContaining("(GetRecords: no stream orders in this test)");
  }

  // ---------------------------------------------------------------- helpers

  private static <T extends RetriableException> T assertRetriable(
      ShardlineException error, Class<T> type, String errorCode) {
    assertThat(error).isExactlyInstanceOf(type);
    assertThat(((KinesisError) error).errorCode()).isEqualTo(errorCode);
    return type.cast(error);
  }

  private static void assertUnrecoverable(
      ShardlineException error, Class<? extends UnrecoverableException> type, String errorCode) {
    assertThat(error).isExactlyInstanceOf(type).isNotInstanceOf(RetriableException.class);
    assertThat(((KinesisError) error).errorCode()).isEqualTo(errorCode);
  }

  private static KinesisException serviceError(int status, String code) {
    return ServiceErrors.serviceError(
        status,
        code,
        code.equals("ResourceNotFoundException")
            ? "Stream orders under account 123 not found."
            : code + " message");
  }
}
