package dev.shardline.cli.connect;

import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.kafka.config.KafkaSourceOptions;
import dev.shardline.kafka.config.MetadataField;
import dev.shardline.kafka.source.KafkaHeader;
import dev.shardline.kafka.source.KafkaRecord;
import dev.shardline.kafka.source.KafkaSource;
import dev.shardline.kafka.source.split.KafkaPartitionSplitSerializer;
import dev.shardline.runtime.checkpoint.StateBlob;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code type: kafka} as a source: {@link KafkaSource} with every option of {@link
 * KafkaSourceOptions#OPTIONS}. Its records carry the Kafka key, topic, partition, offset, timestamp
 * and headers as metadata (all of them unless {@code metadataFields} names fewer).
 */
final class KafkaSourceType implements SourceType {

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public String summary() {
    return "Reads Kafka topics (a list or a pattern) with offsets in the checkpoint: no record"
        + " read twice after a restart; offsets also committed to the group for lag tools.";
  }

  @Override
  public OptionSet options() {
    return KafkaSourceOptions.OPTIONS;
  }

  @Override
  public List<String> metadataFields() {
    return Arrays.stream(MetadataField.values()).map(MetadataField::configName).toList();
  }

  @Override
  @SuppressWarnings("unchecked")
  public ConfiguredSource<?> create(Configuration config) {
    Configuration withMetadata =
        config.contains(KafkaSourceOptions.METADATA_FIELDS)
            ? config
            : config.toBuilder().set(KafkaSourceOptions.METADATA_FIELDS, metadataFields()).build();
    KafkaSource<KafkaRecord<Object>> source =
        (KafkaSource<KafkaRecord<Object>>) KafkaSource.fromConfiguration(withMetadata);
    return new ConfiguredSource<>(source, KafkaSourceType::toRecord);
  }

  static PipelineRecord toRecord(KafkaRecord<?> record) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    if (record.key() != null) {
      metadata.put("key", record.key());
    }
    putIfPresent(metadata, "topic", record.topic());
    putIfPresent(metadata, "partition", record.partition());
    putIfPresent(metadata, "offset", record.offset());
    if (record.timestamp() != null) {
      metadata.put("timestamp", Instant.ofEpochMilli(record.timestamp()));
    }
    if (record.headers() != null) {
      Map<String, String> headers = new LinkedHashMap<>();
      for (KafkaHeader header : record.headers()) {
        headers.put(header.key(), header.valueAsString());
      }
      metadata.put("headers", headers);
    }
    return PipelineRecord.of(record.value(), metadata);
  }

  private static void putIfPresent(Map<String, Object> metadata, String key, Object value) {
    if (value != null) {
      metadata.put(key, value);
    }
  }

  @Override
  public boolean wrote(String identity) {
    return identity.startsWith("kafka:");
  }

  @Override
  public String describeSplit(StateBlob split) throws IOException {
    return split.read(KafkaPartitionSplitSerializer.INSTANCE).toString();
  }
}
