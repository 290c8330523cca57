package dev.shardline.kinesis.sink;

import dev.shardline.api.ShardlineException;

/**
 * A record the Kinesis sink cannot write and will not retry: too large for a Kinesis record, an
 * invalid partition or explicit hash key, or a value its format cannot serialize. Thrown by {@code
 * write} under {@link InvalidRecordPolicy#FAIL}; the message names the stream, the partition key
 * and the limit.
 */
public class InvalidRecordException extends ShardlineException {
  private static final long serialVersionUID = 1L;

  public InvalidRecordException(String message) {
    super(message);
  }

  public InvalidRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
