package dev.shardline.cli.connect;

import dev.shardline.api.Sink;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.format.FormatOptions;
import dev.shardline.kafka.config.KafkaSinkOptions;
import dev.shardline.kafka.sink.KafkaSink;
import java.util.List;

/**
 * {@code type: kafka} as a sink: {@link KafkaSink} with every option of {@link
 * KafkaSinkOptions#OPTIONS} (at-least-once, or exactly-once with one transaction per checkpoint),
 * plus {@link KafkaSinkKeyOptions} (the record key from the record or its metadata).
 */
final class KafkaSinkType implements SinkType {

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public String summary() {
    return "Writes to a Kafka topic, at least once (flushed at every checkpoint) or exactly once"
        + " (one transaction per writer and checkpoint, committed once the checkpoint is durable).";
  }

  @Override
  public OptionSet options() {
    return KafkaSinkOptions.OPTIONS.with(KafkaSinkKeyOptions.OPTIONS);
  }

  @Override
  public List<ConfigOption<String>> keyOptions() {
    return List.of(KafkaSinkKeyOptions.KEY);
  }

  @Override
  public Sink<PipelineRecord> create(Configuration config) {
    KafkaSink.Builder<Object> builder = KafkaSink.builder();
    // the value schema replaces the format options, which are not copied
    SinkType.copyOptions(
        KafkaSinkOptions.OPTIONS.options().stream()
            .filter(option -> !FormatOptions.OPTIONS.options().contains(option))
            .toList(),
        config,
        builder::option);
    builder.format(
        RecordFormats.serializer(config, config.getOptional(KafkaSinkOptions.TOPIC).orElse(null)));
    config
        .getOptional(KafkaSinkKeyOptions.KEY)
        .map(KeyExpression::parse)
        .ifPresent(key -> builder.key(record -> key.apply((PipelineRecord) record)));
    @SuppressWarnings({"unchecked", "rawtypes"})
    Sink<PipelineRecord> sink = (Sink) builder.build();
    return sink;
  }
}
