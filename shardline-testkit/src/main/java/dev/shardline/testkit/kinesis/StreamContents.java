package dev.shardline.testkit.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * What a stream holds, read with plain SDK calls (not Shardline's source): for tests and harnesses
 * that check a pipeline's output against the stream, or a writer's result on the server. Give it a
 * client of the server itself, not of a quota proxy (the reads would be throttled).
 *
 * <pre>{@code
 * for (StreamContents.StoredRecord stored : StreamContents.readAll(kinesis.client(), "orders")) {
 *   String key = stored.record().partitionKey();
 * }
 * }</pre>
 *
 * <p>Stateless; thread-safe.
 */
public final class StreamContents {
  /** A record as the server stores it, with the shard it is in. */
  public record StoredRecord(String shardId, Record record) {}

  private StreamContents() {}

  /** Every shard of {@code stream}, open and closed, through every page of ListShards. */
  public static List<Shard> shards(KinesisClient client, String stream) {
    Objects.requireNonNull(client, "client cannot be null");
    Objects.requireNonNull(stream, "stream cannot be null");
    List<Shard> shards = new ArrayList<>();
    ListShardsResponse page = client.listShards(b -> b.streamName(stream));
    shards.addAll(page.shards());
    while (page.nextToken() != null) {
      String token = page.nextToken();
      page = client.listShards(b -> b.nextToken(token)); // a token goes without the stream name
      shards.addAll(page.shards());
    }
    return shards;
  }

  /** A shard iterator at the oldest record {@code shardId} of {@code stream} holds. */
  public static String trimHorizonIterator(KinesisClient client, String stream, String shardId) {
    return client
        .getShardIterator(
            b ->
                b.streamName(stream)
                    .shardId(shardId)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
        .shardIterator();
  }

  /**
   * Every record of every shard of {@code stream} (closed ones too), from TRIM_HORIZON to the tip;
   * each shard's records in order, shards in the order ListShards gives them.
   */
  public static List<StoredRecord> readAll(KinesisClient client, String stream) {
    List<StoredRecord> all = new ArrayList<>();
    for (Shard shard : shards(client, stream)) {
      String iterator = trimHorizonIterator(client, stream, shard.shardId());
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse page = client.getRecords(b -> b.shardIterator(current).limit(10_000));
        page.records().forEach(record -> all.add(new StoredRecord(shard.shardId(), record)));
        // a closed shard's last page has no next iterator; an open one is read to its tip
        boolean atTip =
            page.records().isEmpty()
                && (page.millisBehindLatest() == null || page.millisBehindLatest() == 0);
        iterator = atTip ? null : page.nextShardIterator();
      }
    }
    return all;
  }
}
