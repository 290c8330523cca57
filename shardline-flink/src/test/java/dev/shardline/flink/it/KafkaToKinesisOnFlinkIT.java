package dev.shardline.flink.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.flink.FlinkSink;
import dev.shardline.flink.FlinkSource;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.config.StartingOffsetsType;
import dev.shardline.kafka.config.StoppingOffsetsType;
import dev.shardline.kafka.source.KafkaSource;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.AwsRegion;
import dev.shardline.kinesis.sink.KinesisSink;
import dev.shardline.testkit.kafka.KafkaTestData;
import dev.shardline.testkit.kafka.LocalKafka;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.testkit.kinesis.StreamContents;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka to Kinesis at least once on Flink, with a failure mid-run: the job reads a topic to the end
 * offsets it found at its start (a bounded source), restarts from its last checkpoint after the
 * failure, and every record is in the stream (at least once: some may be there twice).
 */
class KafkaToKinesisOnFlinkIT {
  private static final String TOPIC = "to-kinesis";
  private static final String STREAM = "from-kafka";
  private static final int RECORDS = 20_000;
  private static final AtomicBoolean FAILED = new AtomicBoolean();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @Test
  void aFailureMidRunLosesNothing() throws Exception {
    FAILED.set(false);
    try (LocalKafka kafka = LocalKafka.builder().start();
        LocalKinesalite kinesis = LocalKinesalite.builder().initialStream(STREAM, 4).start()) {
      kafka.createTopic(TOPIC, 4);
      KafkaTestData.produce(
          kafka, TOPIC, RECORDS, i -> KafkaTestData.text(TOPIC, "key-" + (i % 40), "r-" + i));

      StreamExecutionEnvironment env = FlinkJobs.environment(2, 300, null);
      KafkaSource<String> source =
          KafkaSource.builder()
              .format(StringFormat.utf8())
              .bootstrapServers(kafka.bootstrapServers())
              .topics(TOPIC)
              .groupId("flink-it")
              .startingOffsets(StartingOffsetsType.EARLIEST)
              .stoppingOffsets(StoppingOffsetsType.LATEST)
              .build();
      KinesisSink<String> sink =
          KinesisSink.<String>builder().stream(STREAM)
              .region(AwsRegion.customEndpoint(kinesis.endpoint(), kinesis.region().id()))
              .credentials(AwsCredentials.basic("testkit", "testkit"))
              .clientProperty("cborEnabled", "false")
              .format(StringFormat.utf8())
              .partitionKey(value -> value)
              .build();
      env.fromSource(FlinkSource.of(source), WatermarkStrategy.noWatermarks(), "kafka")
          .uid("kafka")
          .map(new FailOnce(RECORDS / 3))
          .sinkTo(FlinkSink.<String>of(sink).pipelineName("kafka-to-kinesis"))
          .uid("kinesis");

      env.execute("kafka-to-kinesis");

      Set<String> stored = new HashSet<>();
      for (StreamContents.StoredRecord record : StreamContents.readAll(kinesis.client(), STREAM)) {
        stored.add(new String(record.record().data().asByteArray(), UTF_8));
      }
      assertThat(FAILED).as("the injected failure happened").isTrue();
      Set<String> missing = new HashSet<>();
      for (int i = 0; i < RECORDS; i++) {
        if (!stored.contains("r-" + i)) {
          missing.add("r-" + i);
        }
      }
      assertThat(missing).as("records lost").isEmpty();
    }
  }

  /** Passes records through, failing the job once at the {@code failAt}-th one. */
  private static final class FailOnce implements MapFunction<String, String> {
    private final int failAt;
    private int seen;

    FailOnce(int failAt) {
      this.failAt = failAt;
    }

    @Override
    public String map(String value) {
      if (++seen == failAt && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure at record " + failAt);
      }
      return value;
    }
  }
}
