package dev.shardline.kafka.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.source.KafkaSource;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSourceOptionsTest {

  private static Configuration read(Map<String, Object> yaml) {
    return KafkaSourceOptions.OPTIONS.read(yaml);
  }

  private static Map<String, Object> minimal(Map<String, Object> more) {
    Map<String, Object> yaml = new java.util.HashMap<>(more);
    yaml.putIfAbsent("bootstrapServers", "127.0.0.1:9092");
    if (!yaml.containsKey("topicPattern")) {
      yaml.putIfAbsent("topics", List.of("orders"));
    }
    return yaml;
  }

  @Test
  void nestedYamlIsReadWithDefaultsForWhatIsNotSet() {
    Configuration config =
        read(
            minimal(
                Map.of(
                    "startingOffsets",
                        Map.of("type", "timestamp", "timestamp", "2024-05-01T00:00:00Z"),
                    "isolationLevel", "read_committed",
                    "metadataFields", List.of("key", "OFFSET"),
                    "properties", Map.of("max.poll.records", "2000"))));
    assertThat(config.get(KafkaSourceOptions.STARTING_OFFSETS))
        .isEqualTo(StartingOffsetsType.TIMESTAMP);
    assertThat(KafkaSourceOptions.startingTimestamp(config))
        .isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
    assertThat(config.get(KafkaSourceOptions.ISOLATION_LEVEL))
        .isEqualTo(IsolationLevel.READ_COMMITTED);
    assertThat(KafkaSourceOptions.metadataFields(config))
        .isEqualTo(EnumSet.of(MetadataField.KEY, MetadataField.OFFSET));
    assertThat(config.get(KafkaSourceOptions.PROPERTIES)).containsEntry("max.poll.records", "2000");
    assertThat(config.get(KafkaSourceOptions.DISCOVERY_INTERVAL)).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.get(KafkaSourceOptions.MESSAGES_PER_SECOND)).isZero();
    assertThat(config.get(KafkaSourceOptions.STARTUP_TIMEOUT)).isEqualTo(Duration.ofSeconds(60));
    assertThat(KafkaSourceOptions.groupId(config)).isEmpty();
  }

  @Test
  void aTimestampMayBeEpochMillis() {
    Configuration config =
        read(
            minimal(
                Map.of(
                    "startingOffsets.type",
                    "timestamp",
                    "startingOffsets.timestamp",
                    "1714521600000")));
    assertThat(KafkaSourceOptions.startingTimestamp(config))
        .isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
    assertThatThrownBy(
            () ->
                read(
                    minimal(
                        Map.of(
                            "startingOffsets.type",
                            "timestamp",
                            "startingOffsets.timestamp",
                            "yesterday"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"yesterday\" for option \"startingOffsets.timestamp\": must be an ISO-8601"
                + " instant such as 2024-05-01T00:00:00Z, or milliseconds since the epoch");
  }

  @Test
  void topicsOrAPatternButNotBoth() {
    assertThatThrownBy(() -> read(Map.of("bootstrapServers", "127.0.0.1:9092")))
        .hasMessage(
            "A Kafka source needs topics (a list of names) or topicPattern (a regular expression); set one");
    assertThatThrownBy(
            () -> read(minimal(Map.of("topicPattern", "orders-.*", "topics", List.of("a")))))
        .hasMessage("Both topics and topicPattern are set; keep one");
    assertThatThrownBy(() -> read(minimal(Map.of("topicPattern", "orders-["))))
        .hasMessageContaining("must be a Java regular expression");
    assertThat(
            read(minimal(Map.of("topicPattern", "orders-.*")))
                .get(KafkaSourceOptions.TOPIC_PATTERN))
        .isEqualTo("orders-.*");
  }

  @Test
  void theDiscoveryIntervalHasTheKinesisSourcesKeyAndTheFormerOneNamesIt() {
    assertThat(KafkaSourceOptions.DISCOVERY_INTERVAL.key()).isEqualTo("discovery.interval");
    assertThatThrownBy(() -> read(minimal(Map.of("partitionDiscoveryInterval", "1s"))))
        .hasMessage(
            "Unknown option \"partitionDiscoveryInterval\"; did you mean \"discovery.interval\"?"
                + " (the option was renamed)");
  }

  @Test
  void theBuilderTakesAnyOptionTypedAsTheKinesisBuildersDo() {
    KafkaSource<String> source =
        KafkaSource.builder()
            .format(StringFormat.utf8())
            .bootstrapServers("127.0.0.1:9092")
            .topics("orders")
            .option(KafkaSourceOptions.DISCOVERY_INTERVAL, Duration.ofSeconds(5))
            .option(KafkaSourceOptions.ISOLATION_LEVEL, IsolationLevel.READ_COMMITTED)
            .build();

    assertThat(source.configuration().get(KafkaSourceOptions.DISCOVERY_INTERVAL))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(source.configuration().get(KafkaSourceOptions.ISOLATION_LEVEL))
        .isEqualTo(IsolationLevel.READ_COMMITTED);
    // and fromConfiguration takes YAML's map, as the Kinesis connectors' do
    assertThat(
            KafkaSource.fromConfiguration(
                    Map.of(
                        "bootstrapServers",
                        "127.0.0.1:9092",
                        "topics",
                        List.of("orders"),
                        "format",
                        "string"))
                .configuration()
                .get(KafkaSourceOptions.TOPICS))
        .containsExactly("orders");
  }

  @Test
  void everyBuilderStartsWithBuilderAndTakesItsFormatWithFormat() {
    KafkaSource.Builder<byte[]> bytes =
        KafkaSource.builder().bootstrapServers("127.0.0.1:9092").topics("orders");
    assertThat(bytes.build().recordClass()).isEqualTo(byte[].class);
    // the values set before format(..) carry over to the builder it returns
    KafkaSource<String> strings = bytes.format(StringFormat.utf8()).build();
    assertThat(strings.recordClass()).isEqualTo(String.class);
    assertThat(strings.configuration().get(KafkaSourceOptions.TOPICS)).containsExactly("orders");
    assertThatThrownBy(
            () ->
                KafkaSource.builder()
                    .options(
                        Map.of(
                            "bootstrapServers", "127.0.0.1:9092",
                            "topics", List.of("orders"),
                            "format", "json"))
                    .build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KafkaSource.builder().format(..)")
        .hasMessageContaining("KafkaSource.fromConfiguration");
  }

  @Test
  void crossFieldRulesNameTheKeysAndTheFix() {
    assertThatThrownBy(() -> read(minimal(Map.of("startingOffsets.type", "timestamp"))))
        .hasMessage(
            "startingOffsets.type timestamp needs startingOffsets.timestamp, e.g. 2024-05-01T00:00:00Z");
    assertThatThrownBy(() -> read(minimal(Map.of("startingOffsets.timestamp", "0"))))
        .hasMessageStartingWith(
            "startingOffsets.timestamp applies only to startingOffsets.type timestamp");
    assertThatThrownBy(() -> read(minimal(Map.of("startingOffsets.type", "committed"))))
        .hasMessage(
            "startingOffsets.type committed starts from a consumer group's offsets; set groupId (or groupIdPrefix)");
    assertThatThrownBy(() -> read(minimal(Map.of("startingOffsets.resetTo", "latest"))))
        .hasMessage(
            "startingOffsets.resetTo applies only to startingOffsets.type committed; remove it");
    assertThatThrownBy(() -> read(minimal(Map.of("groupId", "a", "groupIdPrefix", "b"))))
        .hasMessage("Both groupId and groupIdPrefix are set; keep one");
    assertThatThrownBy(() -> read(minimal(Map.of("metadataFields", List.of("key", "checksum")))))
        .hasMessageContaining(
            "must list only key, topic, partition, offset, timestamp and headers");
    assertThatThrownBy(() -> read(minimal(Map.of("messagesPerSecond", -1))))
        .hasMessageContaining("must be at least 0");
    assertThatThrownBy(() -> read(Map.of("topics", List.of("orders"))))
        .hasMessageStartingWith("Missing option \"bootstrapServers\"");
  }

  @Test
  void consumerPropertiesTheSourceOwnsAreRefusedNamingTheOptionToUse() {
    assertThatThrownBy(() -> read(minimal(Map.of("properties", Map.of("group.id", "g")))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "The consumer property group.id is set by the Kafka source; use the option groupId or groupIdPrefix");
    assertThatThrownBy(() -> read(minimal(Map.of("properties.isolation.level", "read_committed"))))
        .hasMessage(
            "The consumer property isolation.level is set by the Kafka source; use the option isolationLevel");
    assertThatThrownBy(
            () -> read(minimal(Map.of("properties", Map.of("enable.auto.commit", "true")))))
        .hasMessageStartingWith(
            "The consumer property enable.auto.commit is set by the Kafka source");
  }

  @Test
  void unknownKeysAreRefusedWithASuggestion() {
    assertThatThrownBy(() -> read(minimal(Map.of("groupid", "g"))))
        .hasMessage("Unknown option \"groupid\"; did you mean \"groupId\"?");
  }

  @Test
  void aGroupIdPrefixNamesTheGroupAfterTheTopics() {
    assertThat(
            KafkaSourceOptions.groupId(
                read(minimal(Map.of("groupIdPrefix", "shardline", "topics", List.of("a", "b"))))))
        .contains("shardline-a_b");
    assertThat(
            KafkaSourceOptions.groupId(
                read(minimal(Map.of("groupIdPrefix", "shardline", "topicPattern", "orders-.*")))))
        .contains("shardline-orders-._");
    assertThat(KafkaSourceOptions.groupId(read(minimal(Map.of("groupId", "exact")))))
        .contains("exact");
  }

  @Test
  void secretsInPassThroughPropertiesAreNeverShown() {
    String jaas =
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";";
    Configuration config =
        read(
            minimal(
                Map.of(
                    "properties",
                    Map.of(
                        "sasl.jaas.config", jaas,
                        "ssl.truststore.password", "changeit",
                        "security.protocol", "SASL_SSL"))));
    assertThat(config.toString())
        .doesNotContain("hunter2")
        .doesNotContain("changeit")
        .contains("SASL_SSL");
    KafkaSource<?> source = KafkaSource.fromConfiguration(config);
    assertThat(source.toString()).doesNotContain("hunter2").doesNotContain("changeit");
    assertThat(source.identity()).isEqualTo("kafka:orders");
    assertThat(
            KafkaSource.builder()
                .format(StringFormat.utf8())
                .bootstrapServers("127.0.0.1:9092")
                .topics("payments", "orders")
                .build()
                .identity())
        .isEqualTo("kafka:orders,payments");
  }

  @Test
  void theBuilderSetsTheSameOptions() {
    KafkaSource<String> source =
        KafkaSource.builder()
            .format(StringFormat.utf8())
            .bootstrapServers("127.0.0.1:9092")
            .topicPattern("orders-.*")
            .groupId("g")
            .startingFromCommitted(OffsetReset.LATEST)
            .messagesPerSecond(100)
            .property("max.poll.records", "10")
            .build();
    Configuration config = source.configuration();
    assertThat(config.get(KafkaSourceOptions.TOPIC_PATTERN)).isEqualTo("orders-.*");
    assertThat(config.get(KafkaSourceOptions.STARTING_OFFSETS))
        .isEqualTo(StartingOffsetsType.COMMITTED);
    assertThat(config.get(KafkaSourceOptions.STARTING_RESET_TO)).isEqualTo(OffsetReset.LATEST);
    assertThat(config.get(KafkaSourceOptions.MESSAGES_PER_SECOND)).isEqualTo(100.0);
    assertThat(config.get(KafkaSourceOptions.PROPERTIES)).containsEntry("max.poll.records", "10");
    assertThat(source.identity()).isEqualTo("kafka:pattern:orders-.*");
    assertThatThrownBy(
            () ->
                KafkaSource.builder()
                    .format(StringFormat.utf8())
                    .bootstrapServers("127.0.0.1:9092")
                    .topics("t")
                    .messagesPerSecond(-5))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"-5.0\" for option \"messagesPerSecond\": must be at least 0.0");
    assertThatThrownBy(
            () ->
                KafkaSource.builder()
                    .format(StringFormat.utf8())
                    .bootstrapServers("127.0.0.1:9092")
                    .topics("t")
                    .metadataFields(MetadataField.KEY)
                    .build())
        .hasMessageContaining("call buildWithMetadata()");
  }
}
