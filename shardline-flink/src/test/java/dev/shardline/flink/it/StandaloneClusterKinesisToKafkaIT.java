package dev.shardline.flink.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.flink.FlinkSink;
import dev.shardline.flink.FlinkSource;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.config.DeliveryGuarantee;
import dev.shardline.kafka.sink.KafkaSink;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.testkit.flink.JobJars;
import dev.shardline.testkit.flink.LocalFlinkCluster;
import dev.shardline.testkit.kafka.LocalKafka;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.testkit.order.KeyedCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * On a real standalone Flink cluster (a JobManager JVM and two TaskManager JVMs, the job submitted
 * over REST with its jars): Kinesis (4 kinesalite shards, 50,000 records) to Kafka exactly once,
 * while one TaskManager is SIGKILLed twice mid-run and replaced. Read read_committed, the output
 * holds every record once, and each partition key's counters in order.
 */
class StandaloneClusterKinesisToKafkaIT {
  private static final String STREAM = "orders";
  private static final String TOPIC = "orders-out";
  private static final int KEYS = 40;
  private static final int RECORDS = 50_000;

  @Test
  void twoTaskManagerKillsNeitherLoseNorDuplicateNorReorder() throws Exception {
    try (LocalKinesalite kinesis = LocalKinesalite.builder().initialStream(STREAM, 4).start();
        LocalKafka kafka = LocalKafka.builder().start();
        LocalFlinkCluster flink = LocalFlinkCluster.builder().taskManagers(2).start()) {
      kafka.createTopic(TOPIC, 4);
      fill(kinesis.client());

      Configuration config = new Configuration();
      config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
      config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
      env.setParallelism(2);
      env.enableCheckpointing(1_000);
      KinesisSource<byte[]> source =
          KinesisSource.builder().stream(STREAM)
              .endpoint(kinesis.endpoint(), kinesis.region().id())
              .credentials(AwsCredentials.basic("testkit", "testkit"))
              .clientProperty("cborEnabled", "false")
              .startingPosition(StartingPosition.earliest())
              .build();
      KafkaSink<String> sink =
          KafkaSink.<String>builder()
              .format(StringFormat.utf8())
              .bootstrapServers(kafka.bootstrapServers())
              .topic(TOPIC)
              .key(value -> value.substring(0, value.indexOf(':')))
              .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
              .build();
      env.fromSource(FlinkSource.of(source), WatermarkStrategy.noWatermarks(), "kinesis")
          .uid("kinesis")
          .map(new PacedValue())
          .sinkTo(FlinkSink.<String>of(sink).pipelineName("standalone").sinkId("kafka"))
          .uid("kafka");
      JobID job = flink.submit(env, "kinesis-to-kafka", List.of(JobJars.testClasspathAsOneJar()));
      try {
        flink.awaitAllTasksRunning(job, Duration.ofSeconds(60));
        awaitCommitted(kafka, 10_000);
        flink.killTaskManager(0);
        flink.startTaskManager();
        awaitCommitted(kafka, 25_000);
        flink.killTaskManager(1);
        flink.startTaskManager();
        awaitCommitted(kafka, RECORDS);

        List<String> read = FlinkJobs.topicValues(kafka, TOPIC, true);
        assertThat(read).as("records read_committed").hasSize(RECORDS);
        KeyedCounters order = KeyedCounters.check(read);
        assertThat(order.violations()).as("records out of order, duplicated or missing").isEmpty();
        assertThat(order.next()).hasSize(KEYS);
      } finally {
        flink.cancel(job);
      }
    }
  }

  private static void fill(KinesisClient client) {
    long[] next = new long[KEYS];
    int written = 0;
    while (written < RECORDS) {
      List<PutRecordsRequestEntry> batch = new ArrayList<>();
      for (int i = 0; i < 500 && written + i < RECORDS; i++) {
        int k = (written + i) % KEYS;
        batch.add(
            PutRecordsRequestEntry.builder()
                .partitionKey("key-" + k)
                .data(SdkBytes.fromUtf8String("key-" + k + ":" + next[k]++))
                .build());
      }
      PutRecordsResponse response = client.putRecords(b -> b.streamName(STREAM).records(batch));
      if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
        throw new IllegalStateException("kinesalite refused records while filling the stream");
      }
      written += batch.size();
    }
  }

  private static void awaitCommitted(LocalKafka kafka, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    int seen = 0;
    while ((seen = FlinkJobs.topicValues(kafka, TOPIC, true).size()) < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + seen + " of " + count + " records committed in 180 s");
      }
      Thread.sleep(500);
    }
  }

  /** The record's value as text, at most about 1,000 records per second per subtask. */
  private static final class PacedValue implements MapFunction<KinesisRecord<byte[]>, String> {
    private int seen;

    @Override
    public String map(KinesisRecord<byte[]> record) throws InterruptedException {
      if (++seen % 10 == 0) {
        Thread.sleep(10);
      }
      return new String(record.value(), UTF_8);
    }
  }
}
