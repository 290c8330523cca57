package dev.shardline.kinesis.it;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.SinkContext;
import dev.shardline.format.StringFormat;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.sink.KinesisSink;
import dev.shardline.testkit.kinesis.KinesisEndpoint;
import dev.shardline.testkit.kinesis.StreamContents;
import dev.shardline.testsupport.StandaloneSinkContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** Sink builders pointed at local servers, a bare sink context, and reading a stream back. */
final class SinkTests {
  private SinkTests() {}

  /** A record read back, with the shard it was in. */
  record Read(String shardId, String partitionKey, byte[] data, String sequenceNumber) {}

  /** A string sink to {@code endpoint}, key = the text before the first ':'. */
  static KinesisSink.Builder<String> stringSink(
      KinesisEndpoint endpoint, String stream, boolean cbor) {
    KinesisSink.Builder<String> builder =
        KinesisSink.<String>builder().stream(stream)
            .region(AwsRegion.customEndpoint(endpoint.endpoint(), endpoint.region().id()))
            .credentials(AwsCredentials.basic("testkit", "testkit"))
            .partitionKey(value -> value.substring(0, value.indexOf(':')))
            .format(StringFormat.utf8());
    if (!cbor) {
      builder.clientProperty("cborEnabled", "false");
    }
    return builder;
  }

  /** What a runtime gives a writer: index 0 of 1, the system clock. */
  static SinkContext context(MeterRegistry metrics, List<DeadLetter> deadLetters) {
    return deadLetters == null
        ? StandaloneSinkContext.of("it").withMetrics(metrics)
        : StandaloneSinkContext.of("it").withMetrics(metrics).withDeadLettersTo(deadLetters);
  }

  /** Every record of every shard (closed ones too), each shard's in order, shards by id. */
  static List<Read> readAll(KinesisClient client, String stream) {
    return StreamContents.readAll(client, stream).stream()
        .sorted(Comparator.comparing(StreamContents.StoredRecord::shardId)) // stable: keeps order
        .map(
            stored ->
                new Read(
                    stored.shardId(),
                    stored.record().partitionKey(),
                    stored.record().data().asByteArray(),
                    stored.record().sequenceNumber()))
        .toList();
  }
}
