package dev.shardline.cli.connect;

import dev.shardline.api.Sink;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.kinesis.sink.KinesisSink;
import dev.shardline.kinesis.sink.KinesisSinkOptions;
import java.util.List;
import java.util.UUID;

/**
 * {@code type: kinesis} as a sink: {@link KinesisSink} with every option of {@link
 * KinesisSinkOptions#ALL}, plus {@link KinesisSinkKeyOptions} (partition key and explicit hash key
 * from the record or its metadata).
 */
final class KinesisSinkType implements SinkType {

  @Override
  public String name() {
    return "kinesis";
  }

  @Override
  public String summary() {
    return "Writes to a Kinesis stream with PutRecords, at least once: batched, retrying only"
        + " failed records, per-key order kept under partial failure, optional KPL aggregation.";
  }

  @Override
  public OptionSet options() {
    return KinesisSinkOptions.ALL.with(KinesisSinkKeyOptions.OPTIONS);
  }

  @Override
  public List<ConfigOption<String>> keyOptions() {
    return List.of(KinesisSinkKeyOptions.PARTITION_KEY, KinesisSinkKeyOptions.EXPLICIT_HASH_KEY);
  }

  @Override
  public Sink<PipelineRecord> create(Configuration config) {
    KinesisSink.Builder<Object> builder = KinesisSink.builder();
    SinkType.copyOptions(KinesisSinkOptions.ALL.options(), config, builder::option);
    builder.format(
        RecordFormats.serializer(
            config, config.getOptional(KinesisSinkOptions.STREAM).orElse(null)));
    config
        .getOptional(KinesisSinkKeyOptions.PARTITION_KEY)
        .map(KeyExpression::parse)
        .ifPresent(
            key ->
                builder.partitionKey(
                    record -> {
                      String value = key.apply((PipelineRecord) record);
                      return value == null || value.isEmpty()
                          ? UUID.randomUUID().toString()
                          : value;
                    }));
    config
        .getOptional(KinesisSinkKeyOptions.EXPLICIT_HASH_KEY)
        .map(KeyExpression::parse)
        .ifPresent(key -> builder.explicitHashKey(record -> key.apply((PipelineRecord) record)));
    @SuppressWarnings({"unchecked", "rawtypes"})
    Sink<PipelineRecord> sink = (Sink) builder.build();
    return sink;
  }
}
