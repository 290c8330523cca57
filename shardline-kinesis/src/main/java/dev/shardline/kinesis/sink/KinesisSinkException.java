package dev.shardline.kinesis.sink;

import dev.shardline.api.ShardlineException;
import java.util.Optional;

/**
 * The Kinesis sink gave up: a record ran out of its retry budget, or Kinesis refused the writes in
 * a way no retry can fix (no such stream, credentials refused, a KMS key disabled). The message
 * names the stream, the shard where one is known, the Kinesis error code and what to do; the
 * accessors give the same facts to code. The pipeline restarts from its last checkpoint, so no
 * record is lost; except when no restart can fix it (the stream does not exist, the credentials are
 * refused or may not use the stream's KMS key): then its cause is a {@link
 * dev.shardline.kinesis.KinesisStreamNotFoundException} or {@link
 * dev.shardline.kinesis.KinesisAccessDeniedException} (an {@link
 * dev.shardline.api.UnrecoverableException}) with the same message, and the run ends at once.
 */
public class KinesisSinkException extends ShardlineException {
  private static final long serialVersionUID = 1L;

  private final String stream;
  private final String shardId;
  private final String errorCode;

  public KinesisSinkException(
      String message, String stream, String shardId, String errorCode, Throwable cause) {
    super(message, cause);
    this.stream = stream;
    this.shardId = shardId;
    this.errorCode = errorCode;
  }

  /** The stream written to. */
  public String stream() {
    return stream;
  }

  /** The shard (as predicted from the partition key), when the failure concerns one. */
  public Optional<String> shardId() {
    return Optional.ofNullable(shardId);
  }

  /** The Kinesis error code, e.g. {@code ProvisionedThroughputExceededException}. */
  public String errorCode() {
    return errorCode;
  }
}
