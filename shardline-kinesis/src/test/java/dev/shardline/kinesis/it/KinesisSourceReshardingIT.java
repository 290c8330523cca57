package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kinesis.config.KinesisSourceOptions.ConsumerLifecycle;
import dev.shardline.kinesis.config.KinesisSourceOptions.ReaderType;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.kinesis.Resharding;
import dev.shardline.testkit.order.KeyedCounters;
import dev.shardline.testkit.proxy.KinesisQuotaProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Resharding under load on kinesis-local: 50 partition keys with per-key counters are written
 * continuously while the stream goes from 2 to 3 open shards (an explicit SplitShard), then to 4
 * (UpdateShardCount, which splits one more) and then to 3 (MergeShards), read by 3 readers: every
 * record arrives once, and each key's counters arrive in order. With either reader type: polling,
 * and enhanced fan-out through the quota proxy (which ends a closed shard's subscription with its
 * ChildShards, as AWS does and kinesis-local does not).
 */
class KinesisSourceReshardingIT {
  private static final String STREAM = "reshard";
  private static final int KEYS = 50;

  @TempDir Path dir;

  @ParameterizedTest(name = "reader.type {0}")
  @EnumSource(ReaderType.class)
  void splitsAndMergesUnderLoadKeepEveryKeysOrder(ReaderType type) throws Exception {
    try (LocalKinesis kinesis =
            LocalKinesis.builder()
                .initialStream(STREAM, 2)
                .splitShardDuration(Duration.ofMillis(300))
                .updateShardCountDuration(Duration.ofMillis(300))
                .mergeShardsDuration(Duration.ofMillis(300))
                .start();
        // for fan-out: as AWS does, the proxy ends a closed shard's subscription with its children
        KinesisQuotaProxy proxy = KinesisQuotaProxy.builder().upstream(kinesis).start()) {
      CollectingSink<KinesisRecord<byte[]>, String> sink =
          new CollectingSink<>(r -> new String(r.value(), UTF_8));
      KinesisSource.Builder<byte[]> source =
          Sources.at(kinesis, STREAM, true).startingPosition(StartingPosition.earliest());
      if (type == ReaderType.FAN_OUT) {
        FanOutStreams.registerActive(kinesis.client(), STREAM, "reshard-consumer");
        source =
            Sources.at(proxy, STREAM, true)
                .startingPosition(StartingPosition.earliest())
                .clientProperty("protocol", "HTTP1_1")
                .fanOut("reshard-consumer")
                .consumerLifecycle(ConsumerLifecycle.USER);
      }
      Pipeline pipeline =
          Pipeline.from(source.build())
              .to(sink)
              .name("resharding")
              .parallelism(3)
              .checkpointInterval(Duration.ofMillis(500))
              .checkpointDirectory(dir.resolve("checkpoints"))
              .restartPolicy(RestartPolicy.none())
              .build();
      pipeline.start();
      try {

        KinesisClient client = kinesis.client();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        long[] next = new long[KEYS];
        Thread writer =
            new Thread(
                () -> {
                  while (writing.get()) {
                    List<PutRecordsRequestEntry> batch = new ArrayList<>();
                    for (int k = 0; k < KEYS; k++) {
                      batch.add(
                          PutRecordsRequestEntry.builder()
                              .partitionKey("key-" + k)
                              .data(SdkBytes.fromUtf8String("key-" + k + ":" + next[k]))
                              .build());
                    }
                    PutRecordsResponse response =
                        client.putRecords(b -> b.streamName(STREAM).records(batch));
                    for (int k = 0; k < KEYS; k++) {
                      if (response.records().get(k).errorCode() == null) {
                        next[k]++;
                        written.incrementAndGet();
                      }
                    }
                  }
                },
                "writer");
        writer.start();
        try {
          awaitWritten(written, 1_000);
          List<Shard> initial = Resharding.openShards(kinesis, STREAM);
          assertThat(initial).hasSize(2);
          Resharding.splitInTwo(kinesis, STREAM, initial.get(0));
          assertThat(Resharding.openShards(kinesis, STREAM)).hasSize(3);
          awaitWritten(written, written.get() + 1_000);
          Resharding.scaleTo(kinesis, STREAM, 4);
          awaitWritten(written, written.get() + 1_000);
          List<Shard> open = Resharding.openShards(kinesis, STREAM);
          assertThat(open).hasSize(4);
          Resharding.merge(kinesis, STREAM, open.get(1), open.get(2));
          assertThat(Resharding.openShards(kinesis, STREAM)).hasSize(3);
          awaitWritten(written, written.get() + 1_000);
        } finally {
          // also when an assertion failed: no writer left running against a closed server
          writing.set(false);
          writer.join();
        }

        long total = written.get();
        Await.until(
            Duration.ofSeconds(60),
            () -> sink.size() >= total,
            () -> sink.size() + " of " + total + " records read");
        pipeline.stop();
        if (type == ReaderType.FAN_OUT) {
          assertThat(proxy.counters().subscriptionsEndedWithChildShards())
              .as("parents' subscriptions ended with their children")
              .isGreaterThanOrEqualTo(3);
        }

        KeyedCounters order = KeyedCounters.check(sink.records());
        assertThat(order.violations()).as("records out of order, duplicated or missing").isEmpty();
        assertThat(sink.size()).isEqualTo(total);
        for (int k = 0; k < KEYS; k++) {
          assertThat(order.nextCounter("key-" + k)).isEqualTo(next[k]);
        }
      } finally {
        pipeline.stop(); // a no-op after the stop above; stops it when an assertion failed
      }
    }
  }

  private static void awaitWritten(AtomicLong written, long target) throws InterruptedException {
    Await.until(Duration.ofSeconds(60), () -> written.get() >= target, () -> written + " written");
  }
}
