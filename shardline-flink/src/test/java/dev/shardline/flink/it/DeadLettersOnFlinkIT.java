package dev.shardline.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.api.DeadLetter;
import dev.shardline.flink.FlinkSink;
import dev.shardline.flink.FlinkSource;
import dev.shardline.format.JsonFormat;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.config.StartingOffsetsType;
import dev.shardline.kafka.config.StoppingOffsetsType;
import dev.shardline.kafka.sink.KafkaSink;
import dev.shardline.kafka.source.KafkaSource;
import dev.shardline.testkit.kafka.KafkaTestData;
import dev.shardline.testkit.kafka.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dead letters on Flink: a Kafka source with JSON values and the bad-data policy {@code
 * dead-letter} sends each record that is not JSON, with its topic, partition and offset, to the
 * job's dead-letter sink (Kafka, at least once); the good ones reach the main sink. Records without
 * a key may leave one partition empty: its reader must still end (it hung before the Kafka reader
 * woke Flink up when told there were no more splits).
 */
class DeadLettersOnFlinkIT {
  private static final int RECORDS = 1_000;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @Test
  void recordsThatAreNotJsonGoToTheDeadLetterSinkWithTheirCoordinates() throws Exception {
    try (LocalKafka kafka = LocalKafka.builder().start()) {
      kafka.createTopic("in", 2);
      kafka.createTopic("out", 2);
      kafka.createTopic("dead", 1);
      KafkaTestData.produce(
          kafka,
          "in",
          RECORDS,
          i ->
              KafkaTestData.text(
                  "in", "k-" + i % 10, i % 100 == 7 ? "not json " + i : "{\"n\":" + i + "}"));

      StreamExecutionEnvironment env = FlinkJobs.environment(2, 300, null);
      KafkaSource<JsonNode> source =
          KafkaSource.builder()
              .format(JsonFormat.forJsonNode())
              .bootstrapServers(kafka.bootstrapServers())
              .topics("in")
              .groupId("dead-letters")
              .startingOffsets(StartingOffsetsType.EARLIEST)
              .stoppingOffsets(StoppingOffsetsType.LATEST)
              .option("badData.policy", "dead-letter")
              .build();
      KafkaSink<DeadLetter> deadLetters =
          KafkaSink.<DeadLetter>builder()
              .format(
                  (DeadLetter letter) ->
                      (letter.coordinates()
                              + " "
                              + new String(letter.payload(), StandardCharsets.UTF_8))
                          .getBytes(StandardCharsets.UTF_8))
              .bootstrapServers(kafka.bootstrapServers())
              .topic("dead")
              .build();
      KafkaSink<String> out =
          KafkaSink.<String>builder()
              .format(StringFormat.utf8())
              .bootstrapServers(kafka.bootstrapServers())
              .topic("out")
              .build();
      env.fromSource(
              FlinkSource.of(source).deadLetterTo(deadLetters),
              WatermarkStrategy.noWatermarks(),
              "kafka")
          .map(JsonNode::toString)
          .sinkTo(FlinkSink.<String>of(out));

      env.execute("dead-letters");

      List<String> dead = new ArrayList<>();
      KafkaTestData.readAll(kafka, "dead", false)
          .values()
          .forEach(records -> dead.addAll(KafkaTestData.values(records)));
      int good = 0;
      for (var records : KafkaTestData.readAll(kafka, "out", false).values()) {
        good += records.size();
      }
      assertThat(dead).hasSize(RECORDS / 100);
      assertThat(dead)
          .allSatisfy(
              letter ->
                  assertThat(letter)
                      .contains("topic=in")
                      .contains("partition=")
                      .contains("offset=")
                      .contains("not json"));
      assertThat(good).isEqualTo(RECORDS - RECORDS / 100);
    }
  }
}
