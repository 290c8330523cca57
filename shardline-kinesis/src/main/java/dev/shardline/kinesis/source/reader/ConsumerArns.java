package dev.shardline.kinesis.source.reader;

import dev.shardline.api.ShardlineException;
import dev.shardline.config.Configuration;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.source.proxy.KinesisErrors;
import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.retry.Backoff;
import dev.shardline.time.Time;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;

/**
 * How a fan-out reader finds the ARN of its stream consumer: the configured ARN, or the consumer of
 * the configured name on the stream, once DescribeStreamConsumer says it is ACTIVE.
 */
final class ConsumerArns {
  private ConsumerArns() {}

  static Function<String, CompletableFuture<String>> forReader(
      KinesisProxy proxy, Configuration config, Time time) {
    String arn = config.getOptional(KinesisSourceOptions.FAN_OUT_CONSUMER_ARN).orElse(null);
    if (arn != null) {
      return stream -> CompletableFuture.completedFuture(arn);
    }
    String name = config.get(KinesisSourceOptions.FAN_OUT_CONSUMER_NAME);
    Duration timeout = config.get(KinesisSourceOptions.FAN_OUT_REGISTRATION_TIMEOUT);
    Backoff backoff =
        new Backoff(
            config.get(KinesisSourceOptions.RETRY_INITIAL_BACKOFF),
            2.0,
            config.get(KinesisSourceOptions.RETRY_MAX_BACKOFF),
            0.5);
    return stream ->
        proxy
            .describeStreamSummary(stream)
            .thenCompose(
                summary ->
                    awaitActive(
                        proxy,
                        summary.streamARN(),
                        stream,
                        name,
                        backoff,
                        time,
                        time.nanoseconds() + timeout.toNanos(),
                        0));
  }

  private static CompletableFuture<String> awaitActive(
      KinesisProxy proxy,
      String streamArn,
      String stream,
      String name,
      Backoff backoff,
      Time time,
      long deadlineNanos,
      int attempt) {
    return proxy
        .describeStreamConsumer(streamArn, name, null)
        .handle(
            (description, error) -> {
              if (error == null && description.consumerStatus() == ConsumerStatus.ACTIVE) {
                return CompletableFuture.completedFuture(description.consumerARN());
              }
              if (time.nanoseconds() > deadlineNanos) {
                return CompletableFuture.<String>failedFuture(
                    new ShardlineException(
                        "The fan-out stream consumer "
                            + name
                            + " of stream "
                            + stream
                            + " did not become ACTIVE within"
                            + " reader.fanOut.registrationTimeout"
                            + (error == null
                                ? " (it is " + description.consumerStatusAsString() + ")"
                                : " (last error: " + KinesisErrors.describe(error) + ")")));
              }
              Duration wait = backoff.delay(attempt, ThreadLocalRandom.current().nextDouble());
              return CompletableFuture.supplyAsync(
                      () -> null,
                      CompletableFuture.delayedExecutor(
                          wait.toNanos(), TimeUnit.NANOSECONDS, Runnable::run))
                  .thenCompose(
                      ignored ->
                          awaitActive(
                              proxy,
                              streamArn,
                              stream,
                              name,
                              backoff,
                              time,
                              deadlineNanos,
                              attempt + 1));
            })
        .thenCompose(f -> f);
  }
}
