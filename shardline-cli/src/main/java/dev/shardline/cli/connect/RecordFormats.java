package dev.shardline.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.config.Configuration;
import dev.shardline.format.Format;
import dev.shardline.format.FormatOptions;
import dev.shardline.format.FormatType;
import dev.shardline.format.SerializationSchema;

/**
 * How a sink with a {@code format} option writes {@link PipelineRecord}s: the record's value
 * converted to what the format takes (JSON for json and avro, text for string, bytes for bytes),
 * then serialized. Stateless.
 */
final class RecordFormats {
  private RecordFormats() {}

  /**
   * The serializer of the format {@code config} names, for pipeline records written to {@code
   * topic} (a Kafka topic or Kinesis stream, which names a schema registry subject; null when
   * unknown).
   */
  @SuppressWarnings("unchecked")
  static SerializationSchema<Object> serializer(Configuration config, String topic) {
    FormatType type = config.get(FormatOptions.FORMAT);
    Format<?> format = FormatOptions.createFormat(config, topic);
    switch (type) {
      case JSON:
      case AVRO:
        Format<JsonNode> json = (Format<JsonNode>) format;
        return record -> json.serialize(((PipelineRecord) record).json());
      case STRING:
        Format<String> text = (Format<String>) format;
        return record -> text.serialize(((PipelineRecord) record).text());
      case BYTES:
        return record -> ((PipelineRecord) record).bytes();
      default:
        throw new IllegalStateException("Unhandled format " + type);
    }
  }
}
