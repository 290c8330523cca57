package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.kinesis.config.KinesisSourceOptions.ConsumerLifecycle;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.PipelineFailedException;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.junit.LocalKinesisExtension;
import dev.shardline.testkit.kinesis.LocalKinesis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * The fan-out stream consumer's lifecycle against kinesis-local (which serves
 * RegisterStreamConsumer and SubscribeToShard over HTTP/1.1): a managed consumer is registered at
 * start, ACTIVE while the pipeline reads, and deregistered after a final stop; a user's consumer is
 * used and kept; two pipelines with a consumer each read everything from one stream.
 */
class KinesisFanOutConsumerIT {
  @RegisterExtension static final LocalKinesisExtension KINESIS = new LocalKinesisExtension();

  private static final AtomicInteger STREAMS = new AtomicInteger();
  private static final AtomicInteger RECORDS = new AtomicInteger();

  @TempDir Path dir;

  @Test
  void aManagedConsumerIsRegisteredAtStartAndDeregisteredAfterAFinalStop(LocalKinesis kinesis)
      throws Exception {
    String stream = newStream(kinesis);
    put(kinesis, stream, 10);
    CollectingSink<KinesisRecord<byte[]>, String> sink =
        new CollectingSink<>(r -> new String(r.value(), UTF_8));
    Pipeline pipeline = pipeline(source(kinesis, stream).fanOut("managed-app").build(), sink);

    pipeline.start();
    try {
      Await.until(
          Duration.ofSeconds(30),
          () -> status(kinesis, stream, "managed-app") == ConsumerStatus.ACTIVE,
          () -> "consumer: " + status(kinesis, stream, "managed-app"));
      Await.until(Duration.ofSeconds(30), () -> sink.size() >= 10, () -> sink.records().toString());
    } finally {
      pipeline.stop();
    }

    // deregistered: DELETING for a moment (500 ms on this server), then gone
    assertThat(status(kinesis, stream, "managed-app")).isIn(ConsumerStatus.DELETING, null);
    Await.until(
        Duration.ofSeconds(10),
        () -> status(kinesis, stream, "managed-app") == null,
        () -> "consumer: " + status(kinesis, stream, "managed-app"));
  }

  @Test
  void twoPipelinesWithTwoConsumersOnOneStreamEachReadEverything(LocalKinesis kinesis)
      throws Exception {
    String stream = newStream(kinesis);
    String streamArn =
        kinesis
            .client()
            .describeStreamSummary(b -> b.streamName(stream))
            .streamDescriptionSummary()
            .streamARN();
    kinesis.client().registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("billing"));
    Await.until(
        Duration.ofSeconds(10),
        () -> status(kinesis, stream, "billing") == ConsumerStatus.ACTIVE,
        () -> "consumer: " + status(kinesis, stream, "billing"));
    put(kinesis, stream, 20);
    CollectingSink<KinesisRecord<byte[]>, String> managed =
        new CollectingSink<>(r -> new String(r.value(), UTF_8));
    CollectingSink<KinesisRecord<byte[]>, String> user =
        new CollectingSink<>(r -> new String(r.value(), UTF_8));
    Pipeline first = pipeline(source(kinesis, stream).fanOut("analytics").build(), managed);
    Pipeline second =
        pipeline(
            source(kinesis, stream)
                .fanOut("billing")
                .consumerLifecycle(ConsumerLifecycle.USER)
                .build(),
            user);

    first.start();
    second.start();
    try {
      Await.until(
          Duration.ofSeconds(30),
          () -> managed.size() >= 20 && user.size() >= 20,
          () -> managed.size() + " and " + user.size() + " of 20 read");
      put(kinesis, stream, 20); // read by both while both run
      Await.until(
          Duration.ofSeconds(30),
          () -> managed.size() >= 40 && user.size() >= 40,
          () -> managed.size() + " and " + user.size() + " of 40 read");
    } finally {
      first.stop();
      second.stop();
    }

    assertThat(managed.records()).hasSize(40).doesNotHaveDuplicates();
    assertThat(user.records()).hasSize(40).containsExactlyInAnyOrderElementsOf(managed.records());
    // the pipeline's own consumer is gone after its final stop; the user's stays
    Await.until(
        Duration.ofSeconds(10),
        () -> status(kinesis, stream, "analytics") == null,
        () -> "consumer analytics: " + status(kinesis, stream, "analytics"));
    assertThat(status(kinesis, stream, "billing")).isEqualTo(ConsumerStatus.ACTIVE);
  }

  @Test
  void aUserConsumerIsUsedByNameAndByArnAndKeptAfterTheStop(LocalKinesis kinesis) throws Exception {
    String stream = newStream(kinesis);
    String streamArn =
        kinesis
            .client()
            .describeStreamSummary(b -> b.streamName(stream))
            .streamDescriptionSummary()
            .streamARN();
    String arn =
        kinesis
            .client()
            .registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("theirs"))
            .consumer()
            .consumerARN();
    Await.until(
        Duration.ofSeconds(10),
        () -> status(kinesis, stream, "theirs") == ConsumerStatus.ACTIVE,
        () -> "consumer: " + status(kinesis, stream, "theirs"));
    put(kinesis, stream, 5);

    for (KinesisSource<byte[]> source :
        new KinesisSource[] {
          source(kinesis, stream)
              .fanOut("theirs")
              .consumerLifecycle(ConsumerLifecycle.USER)
              .build(),
          source(kinesis, stream).fanOutWithConsumerArn(arn).build()
        }) {
      CollectingSink<KinesisRecord<byte[]>, String> sink =
          new CollectingSink<>(r -> new String(r.value(), UTF_8));
      Pipeline pipeline = pipeline(source, sink);
      pipeline.start();
      try {
        Await.until(
            Duration.ofSeconds(30), () -> sink.size() >= 5, () -> sink.records().toString());
      } finally {
        pipeline.stop();
      }
      assertThat(describe(kinesis, stream, "theirs").consumerStatus())
          .isEqualTo(ConsumerStatus.ACTIVE);
      assertThat(describe(kinesis, stream, "theirs").consumerARN()).isEqualTo(arn);
    }
  }

  @Test
  void aMissingUserConsumerFailsThePipelineAtOnceSayingHowToFixIt(LocalKinesis kinesis) {
    String stream = newStream(kinesis);
    Pipeline pipeline =
        pipeline(
            source(kinesis, stream)
                .fanOut("nobody")
                .consumerLifecycle(ConsumerLifecycle.USER)
                .build(),
            new CollectingSink<>(r -> r));

    assertThatThrownBy(pipeline::run)
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageContaining("The stream consumer nobody of stream " + stream + " does not exist")
        .hasMessageContaining("Register it, or set reader.fanOut.consumerLifecycle managed")
        .satisfies(e -> assertThat(((PipelineFailedException) e).attempts()).isEqualTo(1));
    assertThat(status(kinesis, stream, "nobody")).isNull();
  }

  private static KinesisSource.Builder<byte[]> source(LocalKinesis kinesis, String stream) {
    return Sources.at(kinesis, stream, true)
        .startingPosition(StartingPosition.earliest())
        .clientProperty("protocol", "HTTP1_1")
        .consumerRegistrationTimeout(Duration.ofSeconds(30));
  }

  private <T> Pipeline pipeline(
      KinesisSource<byte[]> source, CollectingSink<KinesisRecord<byte[]>, T> sink) {
    return Pipeline.from(source)
        .to(sink)
        .name("fan-out-consumer")
        .checkpointInterval(Duration.ofMillis(500))
        .checkpointDirectory(dir.resolve("checkpoints-" + System.nanoTime()))
        .restartPolicy(RestartPolicy.none())
        .build();
  }

  private static ConsumerDescription describe(LocalKinesis kinesis, String stream, String name) {
    String streamArn =
        kinesis
            .client()
            .describeStreamSummary(b -> b.streamName(stream))
            .streamDescriptionSummary()
            .streamARN();
    return kinesis
        .client()
        .describeStreamConsumer(b -> b.streamARN(streamArn).consumerName(name))
        .consumerDescription();
  }

  /** The consumer's status, null when there is none. */
  private static ConsumerStatus status(LocalKinesis kinesis, String stream, String name) {
    try {
      return describe(kinesis, stream, name).consumerStatus();
    } catch (ResourceNotFoundException e) {
      return null;
    }
  }

  private static String newStream(LocalKinesis kinesis) {
    String name = "fan-out-" + STREAMS.incrementAndGet();
    kinesis.createStream(name, 1);
    return name;
  }

  private static void put(LocalKinesis kinesis, String stream, int count) {
    for (int i = 0; i < count; i++) {
      int n = RECORDS.getAndIncrement(); // distinct values across puts
      kinesis
          .client()
          .putRecord(
              b ->
                  b.streamName(stream)
                      .partitionKey("key-" + n)
                      .data(SdkBytes.fromUtf8String("record-" + n)));
    }
  }
}
