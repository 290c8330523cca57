package dev.shardline.format;

/**
 * How a writer picks the schema registry subject of a record's schema, as Confluent's serializers
 * do (written {@code topic}, {@code record}, {@code topic-record} in configuration). The default is
 * {@link #TOPIC}.
 */
public enum SubjectNameStrategy {
  /** {@code <topic>-value}: one schema (and its versions) per topic or stream. */
  TOPIC,
  /** {@code <record full name>}, e.g. {@code com.acme.Order}: one subject per record type. */
  RECORD,
  /** {@code <topic>-<record full name>}: several record types per topic, each versioned apart. */
  TOPIC_RECORD;

  /**
   * The subject for a record named {@code recordFullName} written to {@code topic}.
   *
   * @throws IllegalArgumentException when the strategy needs a topic and {@code topic} is null
   */
  public String subject(String topic, String recordFullName) {
    if (this != RECORD && topic == null) {
      throw new IllegalArgumentException(
          "the subject strategy "
              + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
              + " needs the topic or stream the sink writes to, and this sink has none (it picks"
              + " one per record); use avro.registry.subjectStrategy: record");
    }
    switch (this) {
      case TOPIC:
        return topic + "-value";
      case RECORD:
        return recordFullName;
      case TOPIC_RECORD:
        return topic + "-" + recordFullName;
      default:
        throw new IllegalStateException("Unhandled strategy " + this);
    }
  }
}
