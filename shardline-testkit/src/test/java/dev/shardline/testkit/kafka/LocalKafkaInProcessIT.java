package dev.shardline.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.testkit.junit.LocalKafkaExtension;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalKafkaInProcessIT {
  @RegisterExtension
  static final LocalKafkaExtension KAFKA =
      new LocalKafkaExtension(LocalKafka.builder().inProcess());

  @Test
  void everyRecordIsConsumedExactlyOnceAndInPartitionOrder(LocalKafka kafka) {
    // Given
    int records = 10_000;
    int partitions = 3;
    kafka.createTopic("round-trip", partitions);

    // When
    Records.produceNumbered(kafka, "round-trip", records, partitions);
    Map<Integer, List<String>> consumed =
        Records.consumeInGroup(kafka, "round-trip", "round-trip-group", partitions);

    // Then
    assertThat(kafka.mode()).isEqualTo(LocalKafka.Mode.IN_PROCESS);
    for (int p = 0; p < partitions; p++) {
      assertThat(consumed.get(p))
          .as("partition %d", p)
          .containsExactlyElementsOf(Records.expectedInPartition(records, partitions, p));
    }
    assertThat(consumed.values().stream().mapToInt(List::size).sum()).isEqualTo(records);
  }

  @Test
  void committedTransactionIsVisibleToReadCommittedAndAbortedOneIsNot(LocalKafka kafka) {
    // Given
    kafka.createTopic("transactions", 1);
    Properties properties = kafka.producerProperties();
    properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "local-kafka-it");

    // When
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 100; i++) {
        producer.send(new ProducerRecord<>("transactions", "committed-" + i));
      }
      producer.commitTransaction();
      producer.beginTransaction();
      for (int i = 0; i < 50; i++) {
        producer.send(new ProducerRecord<>("transactions", "aborted-" + i));
      }
      producer.flush();
      producer.abortTransaction();
    }

    // Then
    List<TopicPartition> partition = List.of(new TopicPartition("transactions", 0));
    List<String> committed =
        Records.readToEnd(
                kafka, partition, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))
            .get(0);
    List<String> everything =
        Records.readToEnd(
                kafka, partition, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"))
            .get(0);
    assertThat(committed).containsExactlyElementsOf(numbered("committed-", 100));
    assertThat(everything)
        .as("the aborted records were written, read_committed filtered them out")
        .containsAll(numbered("aborted-", 50))
        .hasSize(150);
  }

  @Test
  void createTopicAppliesTheGivenConfigs(LocalKafka kafka) throws Exception {
    // When
    kafka.createTopic(
        "compacted", 2, Map.of("cleanup.policy", "compact", "retention.ms", "3600000"));

    // Then
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "compacted");
    Config config =
        kafka
            .adminClient()
            .describeConfigs(List.of(resource))
            .all()
            .get(30, TimeUnit.SECONDS)
            .get(resource);
    assertThat(config.get("cleanup.policy")).extracting(ConfigEntry::value).isEqualTo("compact");
    assertThat(config.get("retention.ms")).extracting(ConfigEntry::value).isEqualTo("3600000");
    assertThat(
            kafka
                .adminClient()
                .describeTopics(List.of("compacted"))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get("compacted")
                .partitions())
        .hasSize(2);
  }

  @Test
  void createTopicFailsForAnExistingTopic(LocalKafka kafka) {
    // Given
    kafka.createTopic("twice", 1);

    // When / Then
    assertThatThrownBy(() -> kafka.createTopic("twice", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("twice")
        .hasCauseInstanceOf(TopicExistsException.class);
  }

  @Test
  void addedPartitionsHaveLeadersAndTakeRecords(LocalKafka kafka) throws Exception {
    // Given
    kafka.createTopic("growing", 1);

    // When
    kafka.addPartitions("growing", 4);

    // Then
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            kafka.producerProperties(), new StringSerializer(), new StringSerializer())) {
      assertThat(producer.partitionsFor("growing")).hasSize(4);
      RecordMetadata sent =
          producer.send(new ProducerRecord<>("growing", 3, "k", "v")).get(30, TimeUnit.SECONDS);
      assertThat(sent.partition()).isEqualTo(3);
    }
  }

  @Test
  void producerAndConsumerPropertiesPointAtTheBroker(LocalKafka kafka) {
    assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
    assertThat(kafka.producerProperties())
        .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    assertThat(kafka.consumerProperties("g"))
        .containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())
        .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "g")
        .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    assertThat(kafka.brokerProperties())
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0");
  }

  private static List<String> numbered(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).collect(Collectors.toList());
  }
}
