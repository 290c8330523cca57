package dev.shardline.kinesis.it;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.SinkContext;
import dev.shardline.api.StandaloneSinkContext;
import dev.shardline.format.StringFormat;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.sink.KinesisSink;
import dev.shardline.testkit.kinesis.KinesisEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

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
    List<Read> all = new ArrayList<>();
    List<Shard> shards = new ArrayList<>(client.listShards(b -> b.streamName(stream)).shards());
    shards.sort(Comparator.comparing(Shard::shardId));
    for (Shard shard : shards) {
      String iterator =
          client
              .getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse response =
            client.getRecords(b -> b.shardIterator(current).limit(10_000));
        for (Record record : response.records()) {
          all.add(
              new Read(
                  shard.shardId(),
                  record.partitionKey(),
                  record.data().asByteArray(),
                  record.sequenceNumber()));
        }
        if (response.records().isEmpty()
            && (response.millisBehindLatest() == null || response.millisBehindLatest() == 0)) {
          break;
        }
        iterator = response.nextShardIterator();
      }
    }
    return all;
  }
}
