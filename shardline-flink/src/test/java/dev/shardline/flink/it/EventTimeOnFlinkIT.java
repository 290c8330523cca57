package dev.shardline.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.flink.FlinkSource;
import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import dev.shardline.testkit.kinesis.StreamContents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Event-time windows over a Kinesis stream on Flink: one reader owns all 4 shards, records arrive
 * on 3 of them and the 4th stays idle. Watermarks run per shard (from the approximate arrival
 * time), and the job's idleness lets the idle shard stop holding them back, so windows close.
 */
class EventTimeOnFlinkIT {
  private static final String STREAM = "events";

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(1)
              .build());

  @Test
  void windowsCloseWhileOneShardIsIdle() throws Exception {
    try (LocalKinesalite kinesis = LocalKinesalite.builder().initialStream(STREAM, 4).start()) {
      KinesisClient client = kinesis.client();
      List<Shard> shards = StreamContents.shards(client, STREAM);
      assertThat(shards).hasSize(4);
      AtomicBoolean writing = new AtomicBoolean(true);
      Thread writer = new Thread(() -> write(client, shards.subList(0, 3), writing), "writer");
      writer.start();
      try {
        StreamExecutionEnvironment env = FlinkJobs.environment(1, 1_000, null);
        KinesisSource<byte[]> source =
            KinesisSource.builder().stream(STREAM)
                .endpoint(kinesis.endpoint(), kinesis.region().id())
                .credentials(AwsCredentials.basic("testkit", "testkit"))
                .clientProperty("cborEnabled", "false")
                .startingPosition(StartingPosition.earliest())
                .build();
        List<Long> windows =
            env.fromSource(
                    FlinkSource.of(source),
                    WatermarkStrategy.<KinesisRecord<byte[]>>forMonotonousTimestamps()
                        .withIdleness(Duration.ofSeconds(1)),
                    "kinesis")
                .map(record -> 1L)
                .returns(Types.LONG)
                .windowAll(TumblingEventTimeWindows.of(Duration.ofMillis(500)))
                .reduce(Long::sum)
                .executeAndCollect(3);

        assertThat(windows).hasSize(3).allSatisfy(count -> assertThat(count).isPositive());
      } finally {
        writing.set(false);
        writer.join();
      }
    }
  }

  /** Writes to the given shards only (by explicit hash key), a batch every 50 ms. */
  private static void write(KinesisClient client, List<Shard> shards, AtomicBoolean writing) {
    long n = 0;
    while (writing.get()) {
      List<PutRecordsRequestEntry> batch = new ArrayList<>();
      for (Shard shard : shards) {
        batch.add(
            PutRecordsRequestEntry.builder()
                .partitionKey("k")
                .explicitHashKey(shard.hashKeyRange().startingHashKey())
                .data(SdkBytes.fromUtf8String("e-" + n++))
                .build());
      }
      client.putRecords(b -> b.streamName(STREAM).records(batch));
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
