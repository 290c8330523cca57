package dev.shardline.testkit.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** What a stream holds on the server, read straight from it (not through a proxy). */
final class StoredRecords {

  /** A record as the server stores it. */
  record Stored(String shardId, String sequenceNumber, String partitionKey, String data) {}

  private StoredRecords() {}

  /** Every record of every shard, read from TRIM_HORIZON to the tip. */
  static List<Stored> readAll(KinesisClient server, String stream) {
    List<Stored> all = new ArrayList<>();
    for (Shard shard : server.listShards(b -> b.streamName(stream)).shards()) {
      String iterator =
          server
              .getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse page = server.getRecords(b -> b.shardIterator(current).limit(10_000));
        page.records()
            .forEach(
                record ->
                    all.add(
                        new Stored(
                            shard.shardId(),
                            record.sequenceNumber(),
                            record.partitionKey(),
                            new String(record.data().asByteArray(), StandardCharsets.UTF_8))));
        boolean atTip =
            page.records().isEmpty()
                && (page.millisBehindLatest() == null || page.millisBehindLatest() == 0);
        iterator = atTip ? null : page.nextShardIterator();
      }
    }
    return all;
  }
}
