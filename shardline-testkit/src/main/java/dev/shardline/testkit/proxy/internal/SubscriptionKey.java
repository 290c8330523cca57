package dev.shardline.testkit.proxy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A consumer's subscription to a shard: the unit of SubscribeToShard's quota (one call per second)
 * and of "one active subscription" ({@code arn:aws:kinesis:us-east-1:000000000000:stream/orders/
 * consumer/reader:1700000000}, {@code shardId-000000000000}).
 */
public record SubscriptionKey(String consumerArn, ShardRef shard) {
  private static final String STREAM = ":stream/";
  private static final String CONSUMER = "/consumer/";

  /** The key a SubscribeToShard body names; empty when it names no consumer ARN or shard. */
  public static Optional<SubscriptionKey> of(JsonNode request) {
    String arn = StreamId.text(request.get("ConsumerARN"));
    String shardId = StreamId.text(request.get("ShardId"));
    if (arn == null || shardId == null) {
      return Optional.empty();
    }
    int stream = arn.indexOf(STREAM);
    int consumer = arn.indexOf(CONSUMER, stream + 1);
    if (stream < 0 || consumer < 0) {
      return Optional.empty();
    }
    String name = arn.substring(stream + STREAM.length(), consumer);
    return Optional.of(new SubscriptionKey(arn, new ShardRef(name, shardId)));
  }

  /** The stream, by ARN ({@code arn:aws:kinesis:...:stream/orders}). */
  public StreamId stream() {
    return new StreamId(shard.stream(), consumerArn.substring(0, consumerArn.indexOf(CONSUMER)));
  }
}
