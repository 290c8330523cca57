package dev.shardline.cli.connect;

import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.split.KinesisShardSplitSerializer;
import dev.shardline.runtime.checkpoint.StateBlob;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code type: kinesis}: {@link KinesisSource} with every option of {@link
 * KinesisSourceOptions#ALL} (AWS settings in the Flink Stateful Functions vocabulary, format,
 * bad-data policy). Its records carry the stream, shard, partition key, sequence number and arrival
 * time as metadata.
 */
final class KinesisSourceType implements SourceType {

  @Override
  public String name() {
    return "kinesis";
  }

  @Override
  public String summary() {
    return "Reads Kinesis Data Streams (polling GetRecords) with checkpointed positions: no replay"
        + " and no gap after a restart, resharding in key order, throttling waited out, KPL"
        + " aggregates de-aggregated.";
  }

  @Override
  public OptionSet options() {
    return KinesisSourceOptions.ALL;
  }

  @Override
  public List<String> metadataFields() {
    return List.of(
        "stream",
        "shardId",
        "partitionKey",
        "explicitHashKey",
        "sequenceNumber",
        "subSequenceNumber",
        "arrivalTime");
  }

  @Override
  public ConfiguredSource<?> create(Configuration config) {
    return configured(KinesisSource.fromConfiguration(config));
  }

  private static <T> ConfiguredSource<KinesisRecord<T>> configured(KinesisSource<T> source) {
    return new ConfiguredSource<>(source, KinesisSourceType::toRecord);
  }

  static PipelineRecord toRecord(KinesisRecord<?> record) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("stream", record.stream());
    metadata.put("shardId", record.shardId());
    metadata.put("partitionKey", record.partitionKey());
    if (record.explicitHashKey() != null) {
      metadata.put("explicitHashKey", record.explicitHashKey());
    }
    metadata.put("sequenceNumber", record.sequenceNumber());
    if (record.subSequenceNumber() >= 0) {
      metadata.put("subSequenceNumber", record.subSequenceNumber());
    }
    metadata.put("arrivalTime", record.approximateArrivalTimestamp());
    return PipelineRecord.of(record.value(), metadata);
  }

  @Override
  public boolean wrote(String identity) {
    return identity.startsWith("kinesis:");
  }

  @Override
  public String describeSplit(StateBlob split) throws IOException {
    return split.read(KinesisShardSplitSerializer.INSTANCE).toString();
  }
}
