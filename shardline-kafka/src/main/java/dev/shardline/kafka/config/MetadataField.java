package dev.shardline.kafka.config;

import java.util.Locale;

/**
 * A field of a Kafka record a source can hand downstream next to the value (option {@code
 * metadataFields}); see {@code dev.shardline.kafka.source.KafkaRecord}.
 */
public enum MetadataField {
  /** The record's key, as bytes. */
  KEY,
  /** The topic it was read from. */
  TOPIC,
  /** The partition it was read from. */
  PARTITION,
  /** Its offset in the partition. */
  OFFSET,
  /** Its timestamp, milliseconds since the epoch (create or log-append time, per the topic). */
  TIMESTAMP,
  /** Its headers, in order. */
  HEADERS;

  /** The name in configuration, e.g. {@code offset}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The field named {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static MetadataField fromConfigName(String name) {
    for (MetadataField field : values()) {
      if (field.configName().equalsIgnoreCase(name.trim())) {
        return field;
      }
    }
    throw new IllegalArgumentException("unknown metadata field \"" + name + "\"");
  }
}
