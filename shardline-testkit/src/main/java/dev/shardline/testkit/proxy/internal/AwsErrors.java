package dev.shardline.testkit.proxy.internal;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.UUID;

/**
 * Error responses as Kinesis sends them: a status, a body with {@code __type} and {@code message}
 * in the client's protocol, and the {@code x-amzn-ErrorType} header the SDK v2 reads the error code
 * from first. The SDK maps the code to an exception class ({@code
 * ProvisionedThroughputExceededException}, {@code ExpiredIteratorException}, ...; an unmodeled code
 * such as {@code InternalFailure} gives a {@code KinesisException} with the status).
 */
public final class AwsErrors {
  public static final String THROUGHPUT_EXCEEDED = "ProvisionedThroughputExceededException";
  public static final String EXPIRED_ITERATOR = "ExpiredIteratorException";
  public static final String LIMIT_EXCEEDED = "LimitExceededException";
  public static final String RESOURCE_IN_USE = "ResourceInUseException";
  public static final String INTERNAL_FAILURE = "InternalFailure";
  public static final String SERVICE_UNAVAILABLE = "ServiceUnavailable";

  private AwsErrors() {}

  public static ProxyResponse error(
      WireProtocol protocol, int status, String type, String message) {
    byte[] body = protocol.write(protocol.newObject().put("__type", type).put("message", message));
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set("Content-Type", protocol.contentType());
    headers.set("Content-Length", body.length);
    headers.set("x-amzn-RequestId", UUID.randomUUID().toString());
    headers.set("x-amzn-ErrorType", type);
    return new ProxyResponse(status, headers, body);
  }

  /** A 200 answer the proxy makes itself (a PutRecords whose records were all throttled). */
  public static ProxyResponse ok(WireProtocol protocol, byte[] body) {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set("Content-Type", protocol.contentType());
    headers.set("Content-Length", body.length);
    headers.set("x-amzn-RequestId", UUID.randomUUID().toString());
    return new ProxyResponse(200, headers, body);
  }

  /**
   * What AWS says when a write goes over a shard's quota (PutRecord, and per PutRecords record).
   */
  public static String writeThrottledMessage(ShardRef shard, String account) {
    return "Rate exceeded for shard "
        + shard.shardId()
        + " in stream "
        + shard.stream()
        + " under account "
        + account
        + ".";
  }

  /**
   * What the proxy says when SubscribeToShard goes over its quota (1 call/s per consumer, shard).
   */
  public static String subscribeThrottledMessage(SubscriptionKey key) {
    return "Rate exceeded for consumer "
        + key.consumerArn()
        + " and shard "
        + key.shard().shardId()
        + ": at most 1 SubscribeToShard per second";
  }

  /** What AWS says when GetRecords goes over a shard's quota. */
  public static String readThrottledMessage(ShardRef shard, String account) {
    return "Rate exceeded for Shard - " + account + "/" + shard.stream() + "/" + shard.shardId();
  }
}
