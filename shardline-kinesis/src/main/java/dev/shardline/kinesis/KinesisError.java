package dev.shardline.kinesis;

/**
 * What every exception the Kinesis connector makes from a Kinesis error has in common: the error
 * code it stands for. Implemented by {@link KinesisThrottledException}, {@link
 * ShardIteratorExpiredException}, {@link KinesisTransientException}, {@link
 * KinesisStreamNotFoundException}, {@link KinesisAccessDeniedException} and {@link
 * KinesisRequestException}; whether one may be retried is in its class (a {@link
 * dev.shardline.api.RetriableException} or not), not here.
 */
public interface KinesisError {

  /**
   * The Kinesis error code, e.g. {@code ProvisionedThroughputExceededException}, {@code
   * InternalFailure}, {@code ResourceNotFoundException}; for an error on the client's side one of
   * {@code Timeout}, {@code ConnectionError}, {@code ClientError}, {@code CredentialsUnavailable};
   * {@code HTTP <status>} for an answer without a code; for anything else the simple name of the
   * exception's class.
   */
  String errorCode();
}
