package dev.shardline.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads a whole Kinesis stream from its oldest record with plain SDK calls (not Shardline's
 * source), to count what the demo's writer really put there: the {@code seq} of every event.
 */
final class StreamScanner {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamScanner() {}

  /** The {@code seq} of every event in {@code stream}. */
  static Set<Long> events(KinesisClient client, String stream) throws IOException {
    Set<Long> events = new HashSet<>();
    for (Shard shard : client.listShards(b -> b.streamName(stream)).shards()) {
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
        GetRecordsResponse response = client.getRecords(b -> b.shardIterator(current));
        for (Record record : response.records()) {
          JsonNode json = JSON.readTree(record.data().asByteArray());
          events.add(json.get("seq").asLong());
        }
        boolean caughtUp =
            response.records().isEmpty()
                && (response.millisBehindLatest() == null || response.millisBehindLatest() == 0);
        iterator = caughtUp ? null : response.nextShardIterator();
      }
    }
    return events;
  }
}
