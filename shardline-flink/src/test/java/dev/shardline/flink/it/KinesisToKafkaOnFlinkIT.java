package dev.shardline.flink.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.flink.FlinkSink;
import dev.shardline.flink.FlinkSource;
import dev.shardline.format.StringFormat;
import dev.shardline.kafka.config.DeliveryGuarantee;
import dev.shardline.kafka.sink.KafkaSink;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.config.KinesisSourceOptions.ReaderType;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.testkit.kafka.LocalKafka;
import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.kinesis.Resharding;
import dev.shardline.testkit.order.KeyedCounters;
import dev.shardline.testkit.proxy.KinesisQuotaProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Order across resharding on Flink: 50 keys with per-key counters written to kinesis-local while
 * the stream is split (2 to 3 shards), scaled with UpdateShardCount (to 4) and merged (to 3), read
 * by a job at parallelism 3 that fails once in between and restarts from its last checkpoint,
 * written to Kafka exactly once keyed by the partition key: read_committed, every record is there
 * once and each key's counters are in order. With either reader type: polling, and enhanced fan-out
 * through the quota proxy (subscriptions end with ChildShards; fan-out starts again after the
 * failover, FLINK-37908).
 */
class KinesisToKafkaOnFlinkIT {
  private static final String STREAM = "reshard";
  private static final String TOPIC = "reshard-out";
  private static final int KEYS = 50;
  private static final AtomicBoolean FAILED = new AtomicBoolean();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(3)
              .build());

  @ParameterizedTest(name = "reader.type {0}")
  @EnumSource(ReaderType.class)
  void reshardingWithAFailoverKeepsEveryKeysOrderExactlyOnce(ReaderType type) throws Exception {
    FAILED.set(false);
    try (LocalKinesis kinesis =
            LocalKinesis.builder()
                .initialStream(STREAM, 2)
                .splitShardDuration(Duration.ofMillis(300))
                .updateShardCountDuration(Duration.ofMillis(300))
                .mergeShardsDuration(Duration.ofMillis(300))
                .start();
        // for fan-out: as AWS does, the proxy ends a closed shard's subscription with its children
        KinesisQuotaProxy proxy = KinesisQuotaProxy.builder().upstream(kinesis).start();
        LocalKafka kafka = LocalKafka.builder().start()) {
      kafka.createTopic(TOPIC, 4);
      StreamExecutionEnvironment env = FlinkJobs.environment(3, 500, null);
      KinesisSource.Builder<byte[]> builder =
          KinesisSource.builder().stream(STREAM)
              .endpoint(kinesis.endpoint(), kinesis.region().id())
              .credentials(AwsCredentials.basic("testkit", "testkit"))
              .discoveryInterval(Duration.ofSeconds(1))
              .startingPosition(StartingPosition.earliest());
      if (type == ReaderType.FAN_OUT) {
        // a consumer the job registers, and deregisters when it ends
        builder
            .endpoint(proxy.endpoint(), kinesis.region().id())
            .clientProperty("protocol", "HTTP1_1")
            .fanOut("flink-app");
      }
      KinesisSource<byte[]> source = builder.build();
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
          .map(new ValueFailingOnce(600))
          .sinkTo(FlinkSink.<String>of(sink).pipelineName("reshard-to-kafka"))
          .uid("kafka");
      JobClient job = env.executeAsync("kinesis-to-kafka");
      try {
        KinesisClient client = kinesis.client();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        long[] next = new long[KEYS];
        Thread writer = new Thread(() -> write(client, writing, written, next), "writer");
        writer.start();
        try {
          awaitWritten(written, 1_000);
          List<Shard> initial = Resharding.openShards(kinesis, STREAM);
          assertThat(initial).hasSize(2);
          Resharding.splitInTwo(kinesis, STREAM, initial.get(0));
          awaitWritten(written, written.get() + 1_000);
          Resharding.scaleTo(kinesis, STREAM, 4);
          awaitWritten(written, written.get() + 1_000);
          List<Shard> open = Resharding.openShards(kinesis, STREAM);
          assertThat(open).hasSize(4);
          Resharding.merge(kinesis, STREAM, open.get(1), open.get(2));
          awaitWritten(written, written.get() + 1_000);
        } finally {
          writing.set(false);
          writer.join();
        }
        long total = written.get();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<String> read = FlinkJobs.topicValues(kafka, TOPIC, true);
        while (read.size() < total && System.nanoTime() < deadline) {
          Thread.sleep(500);
          read = FlinkJobs.topicValues(kafka, TOPIC, true);
        }
        assertThat(FAILED).as("the injected failure happened").isTrue();
        if (type == ReaderType.FAN_OUT) {
          // FLINK-37908: fan-out started again after the failover
          assertThat(proxy.counters().subscriptionsEndedWithChildShards())
              .as("parents' subscriptions ended with their children")
              .isGreaterThanOrEqualTo(3);
        }
        assertThat(read).as("records read_committed").hasSize((int) total);

        KeyedCounters order = KeyedCounters.check(read);
        assertThat(order.violations()).as("records out of order, duplicated or missing").isEmpty();
        for (int k = 0; k < KEYS; k++) {
          assertThat(order.nextCounter("key-" + k)).isEqualTo(next[k]);
        }
      } finally {
        job.cancel().get();
      }
    }
  }

  private static void write(
      KinesisClient client, AtomicBoolean writing, AtomicLong written, long[] next) {
    while (writing.get()) {
      List<PutRecordsRequestEntry> batch = new ArrayList<>();
      for (int k = 0; k < KEYS; k++) {
        batch.add(
            PutRecordsRequestEntry.builder()
                .partitionKey("key-" + k)
                .data(SdkBytes.fromUtf8String("key-" + k + ":" + next[k]))
                .build());
      }
      PutRecordsResponse response = client.putRecords(b -> b.streamName(STREAM).records(batch));
      for (int k = 0; k < KEYS; k++) {
        if (response.records().get(k).errorCode() == null) {
          next[k]++;
          written.incrementAndGet();
        }
      }
    }
  }

  private static void awaitWritten(AtomicLong written, long count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (written.get() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + written.get() + " of " + count + " records written");
      }
      Thread.sleep(20);
    }
  }

  /** The record's value as text; fails the job once after {@code failAfter} records. */
  private static final class ValueFailingOnce
      implements MapFunction<KinesisRecord<byte[]>, String> {
    private final int failAfter;
    private int seen;

    ValueFailingOnce(int failAfter) {
      this.failAfter = failAfter;
    }

    @Override
    public String map(KinesisRecord<byte[]> record) {
      if (++seen == failAfter && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure after " + failAfter + " records");
      }
      return new String(record.value(), UTF_8);
    }
  }
}
