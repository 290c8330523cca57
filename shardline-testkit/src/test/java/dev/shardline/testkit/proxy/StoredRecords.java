package dev.shardline.testkit.proxy;

import dev.shardline.testkit.kinesis.StreamContents;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** What a stream holds on the server, read straight from it (not through a proxy). */
final class StoredRecords {

  /** A record as the server stores it. */
  record Stored(String shardId, String sequenceNumber, String partitionKey, String data) {}

  private StoredRecords() {}

  /** Every record of every shard, read from TRIM_HORIZON to the tip. */
  static List<Stored> readAll(KinesisClient server, String stream) {
    return StreamContents.readAll(server, stream).stream()
        .map(
            s ->
                new Stored(
                    s.shardId(),
                    s.record().sequenceNumber(),
                    s.record().partitionKey(),
                    s.record().data().asUtf8String()))
        .toList();
  }
}
