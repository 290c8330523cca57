package dev.shardline.kinesis.sink.internal;

import static dev.shardline.kinesis.sink.internal.ShardedSenderTest.serviceError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kinesis.sink.internal.KinesisErrors.Kind;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

class KinesisErrorsTest {

  @Test
  void throttlingAndServerErrorsAreRetried() {
    assertThat(KinesisErrors.ofRecordError("ProvisionedThroughputExceededException", "x").kind())
        .isEqualTo(Kind.RETRIABLE);
    assertThat(KinesisErrors.ofRecordError("InternalFailure", "x").kind())
        .isEqualTo(Kind.RETRIABLE);
    assertThat(KinesisErrors.ofRecordError("KMSThrottlingException", "x").kind())
        .isEqualTo(Kind.RETRIABLE);
    assertThat(KinesisErrors.ofException(serviceError(500, "InternalFailure", "x")))
        .extracting(KinesisErrors.Classified::kind, KinesisErrors.Classified::ambiguous)
        .containsExactly(Kind.RETRIABLE, true);
    assertThat(KinesisErrors.ofException(serviceError(503, "ServiceUnavailable", "x")).kind())
        .isEqualTo(Kind.RETRIABLE);
    assertThat(KinesisErrors.ofException(serviceError(400, "LimitExceededException", "x")).kind())
        .isEqualTo(Kind.RETRIABLE);
  }

  @Test
  void timeoutsAndBrokenConnectionsAreRetriedAndMayHaveBeenWritten() {
    KinesisErrors.Classified timeout =
        KinesisErrors.ofException(
            new CompletionException(ApiCallAttemptTimeoutException.create(10_000)));
    KinesisErrors.Classified dropped =
        KinesisErrors.ofException(
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
            KinesisErrors.ofException(serviceError(400, "ResourceNotFoundException", "x")).kind())
        .isEqualTo(Kind.STREAM_NOT_FOUND);
    assertThat(
            KinesisErrors.ofException(serviceError(400, "UnrecognizedClientException", "x")).kind())
        .isEqualTo(Kind.ACCESS);
    assertThat(KinesisErrors.ofException(serviceError(400, "AccessDeniedException", "x")).kind())
        .isEqualTo(Kind.ACCESS);
    assertThat(KinesisErrors.ofException(serviceError(403, "SomethingNew", "x")).kind())
        .isEqualTo(Kind.ACCESS);
    assertThat(
            KinesisErrors.ofException(
                    SdkClientException.create(
                        "Unable to load credentials from any of the providers in the chain"))
                .kind())
        .isEqualTo(Kind.ACCESS);
    assertThat(KinesisErrors.ofException(serviceError(400, "ValidationException", "x")).kind())
        .isEqualTo(Kind.FATAL);
    assertThat(KinesisErrors.ofRecordError("KMSDisabledException", "x").kind())
        .isEqualTo(Kind.FATAL);
  }
}
