package dev.shardline.kinesis.sink.internal;

import static dev.shardline.kinesis.sink.internal.ShardedSenderTest.serviceError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kinesis.internal.KinesisErrorClassifier;
import dev.shardline.kinesis.internal.KinesisErrorClassifier.Kind;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The classifier the sink decides retries by (it lives in {@code kinesis.internal}, shared with the
 * source).
 */
class KinesisErrorClassifierTest {

  @Test
  void throttlingAndServerErrorsAreRetried() {
    assertThat(
            KinesisErrorClassifier.ofRecordError("ProvisionedThroughputExceededException", "x")
                .kind())
        .isEqualTo(Kind.RETRIABLE);
    assertThat(KinesisErrorClassifier.ofRecordError("InternalFailure", "x").kind())
        .isEqualTo(Kind.RETRIABLE);
    assertThat(KinesisErrorClassifier.ofRecordError("KMSThrottlingException", "x").kind())
        .isEqualTo(Kind.RETRIABLE);
    assertThat(KinesisErrorClassifier.ofException(serviceError(500, "InternalFailure", "x")))
        .extracting(
            KinesisErrorClassifier.Classified::kind, KinesisErrorClassifier.Classified::ambiguous)
        .containsExactly(Kind.RETRIABLE, true);
    assertThat(
            KinesisErrorClassifier.ofException(serviceError(503, "ServiceUnavailable", "x")).kind())
        .isEqualTo(Kind.RETRIABLE);
    assertThat(
            KinesisErrorClassifier.ofException(serviceError(400, "LimitExceededException", "x"))
                .kind())
        .isEqualTo(Kind.RETRIABLE);
  }

  @Test
  void timeoutsAndBrokenConnectionsAreRetriedAndMayHaveBeenWritten() {
    KinesisErrorClassifier.Classified timeout =
        KinesisErrorClassifier.ofException(
            new CompletionException(ApiCallAttemptTimeoutException.create(10_000)));
    KinesisErrorClassifier.Classified dropped =
        KinesisErrorClassifier.ofException(
            SdkClientException.create("Unable to execute HTTP request", new IOException("reset")));

    assertThat(timeout.kind()).isEqualTo(Kind.RETRIABLE);
    assertThat(timeout.errorCode()).isEqualTo("Timeout");
    assertThat(timeout.ambiguous()).isTrue();
    assertThat(dropped.kind()).isEqualTo(Kind.RETRIABLE);
    assertThat(dropped.errorCode()).isEqualTo("ConnectionError");
    assertThat(dropped.ambiguous()).isTrue();
  }

  @Test
  void aMissingStreamRefusedCredentialsAndBadRequestsAreNotRetried() {
    assertThat(
            KinesisErrorClassifier.ofException(serviceError(400, "ResourceNotFoundException", "x"))
                .kind())
        .isEqualTo(Kind.STREAM_NOT_FOUND);
    assertThat(
            KinesisErrorClassifier.ofException(
                    serviceError(400, "UnrecognizedClientException", "x"))
                .kind())
        .isEqualTo(Kind.ACCESS);
    assertThat(
            KinesisErrorClassifier.ofException(serviceError(400, "AccessDeniedException", "x"))
                .kind())
        .isEqualTo(Kind.ACCESS);
    assertThat(KinesisErrorClassifier.ofException(serviceError(403, "SomethingNew", "x")).kind())
        .isEqualTo(Kind.ACCESS);
    assertThat(
            KinesisErrorClassifier.ofException(
                    SdkClientException.create(
                        "Unable to load credentials from any of the providers in the chain"))
                .kind())
        .isEqualTo(Kind.ACCESS);
    assertThat(
            KinesisErrorClassifier.ofException(serviceError(400, "ValidationException", "x"))
                .kind())
        .isEqualTo(Kind.FATAL);
    assertThat(KinesisErrorClassifier.ofRecordError("KMSDisabledException", "x").kind())
        .isEqualTo(Kind.FATAL);
  }
}
