package dev.shardline.kinesis.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** What the fan-out ITs do to a stream themselves: a consumer of their own, keyed writes. */
final class FanOutStreams {
  private FanOutStreams() {}

  /** Registers the stream consumer {@code name} on {@code stream} and waits until it is ACTIVE. */
  static void registerActive(KinesisClient client, String stream, String name) throws Exception {
    String streamArn =
        client
            .describeStreamSummary(b -> b.streamName(stream))
            .streamDescriptionSummary()
            .streamARN();
    client.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name));
    Await.until(
        Duration.ofSeconds(30),
        () ->
            client
                    .describeStreamConsumer(b -> b.streamARN(streamArn).consumerName(name))
                    .consumerDescription()
                    .consumerStatus()
                == ConsumerStatus.ACTIVE,
        () -> "consumer " + name + " ACTIVE");
  }

  /**
   * Writes counter {@code round} of keys {@code key-0} to {@code key-<keys-1>} ({@code
   * key-k:round}), in one request that must be accepted whole.
   */
  static void putRound(KinesisClient client, String stream, int keys, long round) {
    List<PutRecordsRequestEntry> batch = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      batch.add(
          PutRecordsRequestEntry.builder()
              .partitionKey("key-" + k)
              .data(SdkBytes.fromUtf8String("key-" + k + ":" + round))
              .build());
    }
    Integer failed =
        client.putRecords(b -> b.streamName(stream).records(batch)).failedRecordCount();
    if (failed != null && failed > 0) {
      throw new IllegalStateException(failed + " records of round " + round + " failed");
    }
  }
}
