package dev.shardline.kinesis.source.fanout;

import dev.shardline.kinesis.source.proxy.ForwardingKinesisProxy;
import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.kinesis.testing.FakeKinesis;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/**
 * Stream consumers in memory behind {@link KinesisProxy}, for paths a server cannot be made to take
 * on demand: a consumer CREATING or DELETING for a given number of DescribeStreamConsumer calls,
 * scripted errors per call, and a log of calls. Stream calls (ListShards, records) go to a {@link
 * FakeKinesis}. Thread-safe.
 */
public final class FakeConsumerKinesis extends ForwardingKinesisProxy {
  public static final String ACCOUNT = "123456789012";

  /** The consumer calls. */
  public enum Op {
    DESCRIBE_STREAM_SUMMARY,
    REGISTER,
    DESCRIBE,
    DEREGISTER
  }

  private static final class FakeConsumer {
    final String arn;
    ConsumerStatus status;
    int describesLeft; // until CREATING becomes ACTIVE, or DELETING disappears

    FakeConsumer(String arn, ConsumerStatus status, int describesLeft) {
      this.arn = arn;
      this.status = status;
      this.describesLeft = describesLeft;
    }
  }

  private final FakeKinesis streams;
  private final Map<String, FakeConsumer> consumers = new LinkedHashMap<>(); // by stream/name
  private final Map<Op, Deque<Throwable>> failures = new EnumMap<>(Op.class);
  private final List<String> calls = new ArrayList<>();
  private int describesWhileCreating = 2;
  private int describesWhileDeleting = 2;
  private int creations;

  public FakeConsumerKinesis(FakeKinesis streams) {
    super(streams);
    this.streams = streams;
  }

  public static String streamArn(String stream) {
    return "arn:aws:kinesis:us-east-1:" + ACCOUNT + ":stream/" + stream;
  }

  /** How many DescribeStreamConsumer calls a new consumer stays CREATING; default 2. */
  public synchronized FakeConsumerKinesis describesWhileCreating(int n) {
    describesWhileCreating = n;
    return this;
  }

  /** How many DescribeStreamConsumer calls a deregistered one stays DELETING; default 2. */
  public synchronized FakeConsumerKinesis describesWhileDeleting(int n) {
    describesWhileDeleting = n;
    return this;
  }

  /** A consumer that exists already, with {@code status}; returns its ARN. */
  public synchronized String addConsumer(String stream, String name, ConsumerStatus status) {
    String arn = streamArn(stream) + "/consumer/" + name + ":" + (1767225600 + creations++);
    int left = status == ConsumerStatus.DELETING ? describesWhileDeleting : describesWhileCreating;
    consumers.put(stream + "/" + name, new FakeConsumer(arn, status, left));
    return arn;
  }

  /** The consumer's status, or null when there is none. */
  public synchronized ConsumerStatus status(String stream, String name) {
    FakeConsumer c = consumers.get(stream + "/" + name);
    return c == null ? null : c.status;
  }

  /** The next calls of {@code op} fail with {@code errors}, one each, in order. */
  public synchronized void failNext(Op op, Throwable... errors) {
    failures.computeIfAbsent(op, o -> new ArrayDeque<>()).addAll(List.of(errors));
  }

  /** Each call, as {@code OP stream/name} (by ARN: {@code OP arn}). */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  public static LimitExceededException limitExceeded() {
    return LimitExceededException.builder().message("Rate exceeded").build();
  }

  public static ResourceInUseException resourceInUse() {
    return ResourceInUseException.builder().message("Consumer is in use").build();
  }

  /** What kinesalite answers to a call it does not know. */
  public static KinesisException unknownOperation() {
    return (KinesisException)
        KinesisException.builder()
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("UnknownOperationException")
                    .serviceName("Kinesis")
                    .build())
            .build();
  }

  private <T> CompletableFuture<T> failure(Op op) {
    Deque<Throwable> queue = failures.get(op);
    Throwable error = queue == null ? null : queue.poll();
    return error == null ? null : CompletableFuture.failedFuture(error);
  }

  @Override
  public synchronized CompletableFuture<StreamDescriptionSummary> describeStreamSummary(
      String stream) {
    calls.add(Op.DESCRIBE_STREAM_SUMMARY + " " + stream);
    CompletableFuture<StreamDescriptionSummary> failed = failure(Op.DESCRIBE_STREAM_SUMMARY);
    return failed != null
        ? failed
        : streams
            .describeStreamSummary(stream)
            .thenApply(s -> s.toBuilder().streamARN(streamArn(stream)).build());
  }

  @Override
  public synchronized CompletableFuture<Consumer> registerStreamConsumer(
      String streamArn, String consumerName) {
    String stream = streamOf(streamArn);
    calls.add(Op.REGISTER + " " + stream + "/" + consumerName);
    CompletableFuture<Consumer> failed = failure(Op.REGISTER);
    if (failed != null) {
      return failed;
    }
    if (consumers.containsKey(stream + "/" + consumerName)) {
      return CompletableFuture.failedFuture(resourceInUse());
    }
    String arn = addConsumer(stream, consumerName, ConsumerStatus.CREATING);
    return CompletableFuture.completedFuture(
        Consumer.builder()
            .consumerName(consumerName)
            .consumerARN(arn)
            .consumerStatus(ConsumerStatus.CREATING)
            .consumerCreationTimestamp(Instant.EPOCH)
            .build());
  }

  @Override
  public synchronized CompletableFuture<ConsumerDescription> describeStreamConsumer(
      String streamArn, String consumerName, String consumerArn) {
    String key =
        consumerArn != null ? keyOf(consumerArn) : streamOf(streamArn) + "/" + consumerName;
    calls.add(Op.DESCRIBE + " " + key);
    CompletableFuture<ConsumerDescription> failed = failure(Op.DESCRIBE);
    if (failed != null) {
      return failed;
    }
    FakeConsumer c = consumers.get(key);
    if (c == null) {
      return notFound(key);
    }
    ConsumerStatus answered = c.status;
    if (c.status != ConsumerStatus.ACTIVE && --c.describesLeft <= 0) {
      if (c.status == ConsumerStatus.DELETING) {
        consumers.remove(key);
      } else {
        c.status = ConsumerStatus.ACTIVE;
      }
    }
    return CompletableFuture.completedFuture(
        ConsumerDescription.builder()
            .consumerName(key.substring(key.indexOf('/') + 1))
            .consumerARN(c.arn)
            .consumerStatus(answered)
            .streamARN(streamArn(key.substring(0, key.indexOf('/'))))
            .build());
  }

  @Override
  public synchronized CompletableFuture<Void> deregisterStreamConsumer(String consumerArn) {
    String key = keyOf(consumerArn);
    calls.add(Op.DEREGISTER + " " + key);
    CompletableFuture<Void> failed = failure(Op.DEREGISTER);
    if (failed != null) {
      return failed;
    }
    FakeConsumer c = consumers.get(key);
    if (c == null) {
      return notFound(key);
    }
    c.status = ConsumerStatus.DELETING;
    c.describesLeft = describesWhileDeleting;
    return CompletableFuture.completedFuture(null);
  }

  private static <T> CompletableFuture<T> notFound(String key) {
    return CompletableFuture.failedFuture(
        ResourceNotFoundException.builder().message("Consumer " + key + " not found").build());
  }

  private static String streamOf(String streamArn) {
    return streamArn.substring(streamArn.indexOf(":stream/") + ":stream/".length());
  }

  /** stream/name of a consumer ARN. */
  private static String keyOf(String consumerArn) {
    String rest = consumerArn.substring(consumerArn.indexOf(":stream/") + ":stream/".length());
    String stream = rest.substring(0, rest.indexOf('/'));
    String name = rest.substring(rest.indexOf("/consumer/") + "/consumer/".length());
    return stream + "/" + name.substring(0, name.lastIndexOf(':'));
  }
}
