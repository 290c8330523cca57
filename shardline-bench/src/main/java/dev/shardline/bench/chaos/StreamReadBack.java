package dev.shardline.bench.chaos;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads the whole stream back with plain SDK calls (not Shardline's source), every shard open or
 * closed from its oldest record, straight from the server (no quota proxy): what the stream really
 * holds, per key and counter, is what each pipeline owes.
 */
final class StreamReadBack {
  private StreamReadBack() {}

  /** Per key, each counter's copies in {@code stream}. */
  static Map<String, Map<Long, Integer>> read(KinesisClient client, String stream) {
    Map<String, Map<Long, Integer>> copies = new HashMap<>();
    for (Shard shard : Resharder.shards(client, stream)) {
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
          String value = record.data().asUtf8String();
          int first = value.indexOf(':');
          int second = value.indexOf(':', first + 1);
          long counter = Long.parseLong(value.substring(first + 1, second));
          copies
              .computeIfAbsent(value.substring(0, first), k -> new HashMap<>())
              .merge(counter, 1, Integer::sum);
        }
        boolean caughtUp =
            response.records().isEmpty()
                && (response.millisBehindLatest() == null || response.millisBehindLatest() == 0);
        iterator = caughtUp ? null : response.nextShardIterator();
      }
    }
    return copies;
  }
}
