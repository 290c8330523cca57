package dev.shardline.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.api.ShardlineException;
import dev.shardline.config.Configuration;
import dev.shardline.format.Format;
import dev.shardline.format.FormatOptions;
import dev.shardline.format.FormatType;
import dev.shardline.format.SerializationSchema;
import java.io.IOException;

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
        return record -> json.serialize(jsonOf((PipelineRecord) record));
      case STRING:
        Format<String> text = (Format<String>) format;
        return record -> text.serialize(((PipelineRecord) record).text());
      case BYTES:
        return record -> ((PipelineRecord) record).bytes();
      default:
        throw new IllegalStateException("Unhandled format " + type);
    }
  }

  /**
   * The record's value as JSON. A value that is not JSON is the record's fault: an {@link
   * IOException}, which a sink's invalid-record policy handles (dead-letter), not a {@link
   * ShardlineException}, which a sink passes on as the format's own failure.
   */
  private static JsonNode jsonOf(PipelineRecord record) throws IOException {
    try {
      return record.json();
    } catch (ShardlineException e) {
      throw new IOException(e.getMessage(), e.getCause());
    }
  }
}
