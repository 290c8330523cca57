package dev.shardline.kinesis.testing;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

/** Kinesis answers as the SDK makes them from an HTTP response: a status and AWS's details. */
public final class ServiceErrors {
  private ServiceErrors() {}

  /** An answer of {@code status} with error code {@code code} and {@code message}. */
  public static KinesisException serviceError(int status, String code, String message) {
    return (KinesisException)
        KinesisException.builder()
            .statusCode(status)
            .message(message)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
            .build();
  }
}
