package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.proxy.Fault;
import dev.shardline.testkit.proxy.KinesisQuotaProxy;
import dev.shardline.testkit.proxy.Operation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Through the KinesisQuotaProxy at the real per-shard read quotas (5 GetRecords/s, 2 MiB/s), with 3
 * readers on a 3-shard stream and another consumer competing for the same quota, plus injected
 * expired iterators and 500s: the pipeline never fails, throttled calls are counted, and every
 * record arrives exactly once.
 */
class KinesisSourceQuotaProxyIT {
  private static final String STREAM = "quota";
  private static final int COUNT = 1_500;

  @TempDir Path dir;

  @Test
  void throttlingAndInjectedFaultsLoseAndDuplicateNothing() throws Exception {
    try (LocalKinesis kinesis = LocalKinesis.builder().initialStream(STREAM, 3).start();
        KinesisQuotaProxy proxy = KinesisQuotaProxy.builder().upstream(kinesis).start()) {
      KinesisClient upstream = kinesis.client();
      for (int start = 0; start < COUNT; start += 250) {
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        for (int i = start; i < start + 250; i++) {
          batch.add(
              PutRecordsRequestEntry.builder()
                  .partitionKey("k" + i)
                  .data(SdkBytes.fromUtf8String(Integer.toString(i)))
                  .build());
        }
        upstream.putRecords(b -> b.streamName(STREAM).records(batch));
      }

      proxy.faults().failNext(Operation.GET_RECORDS, 3, Fault.EXPIRED_ITERATOR);
      proxy.faults().failNext(Operation.GET_RECORDS, 3, Fault.INTERNAL_ERROR);
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      CollectingSink<KinesisRecord<byte[]>, String> sink =
          new CollectingSink<>(r -> new String(r.value(), UTF_8));
      Pipeline pipeline =
          Pipeline.from(
                  Sources.at(proxy, STREAM, true)
                      .startingPosition(StartingPosition.earliest())
                      .option(dev.shardline.kinesis.config.KinesisSourceOptions.GET_RECORDS_MAX, 25)
                      .build())
              .to(sink)
              .name("quota")
              .parallelism(3)
              .checkpointInterval(Duration.ofMillis(500))
              .checkpointDirectory(dir.resolve("checkpoints"))
              .restartPolicy(RestartPolicy.none())
              .metrics(metrics)
              .build();
      pipeline.start();
      double throttledCalls;
      double renewals;
      // stopped also when an assertion fails, before the proxy and the server are closed
      try {
        // the injected faults go to the pipeline's calls only: the rival starts once they are used
        Await.until(
            Duration.ofSeconds(30),
            () -> proxy.faults().pending() == 0 || pipeline.isDone(),
            () -> proxy.faults().pending() + " injected faults not yet used");
        // another consumer of the same shards, through the proxy: it eats into the read quota
        AtomicBoolean competing = new AtomicBoolean(true);
        KinesisClient rival = proxy.client();
        Thread competitor =
            new Thread(
                () -> {
                  List<String> iterators = new ArrayList<>();
                  for (Shard shard : rival.listShards(b -> b.streamName(STREAM)).shards()) {
                    iterators.add(
                        rival
                            .getShardIterator(
                                b ->
                                    b.streamName(STREAM)
                                        .shardId(shard.shardId())
                                        .shardIteratorType(ShardIteratorType.LATEST))
                            .shardIterator());
                  }
                  while (competing.get()) {
                    for (String iterator : iterators) {
                      try {
                        rival.getRecords(b -> b.shardIterator(iterator).limit(1));
                      } catch (RuntimeException throttled) {
                        // expected
                      }
                    }
                  }
                },
                "rival");
        competitor.start();
        try {
          Await.until(
              Duration.ofSeconds(90),
              () -> sink.size() >= COUNT || pipeline.isDone(),
              () -> sink.size() + " of " + COUNT + " read");
        } finally {
          competing.set(false);
          competitor.join();
        }
        assertThat(pipeline.isDone()).as("the pipeline is still running").isFalse();
        throttledCalls = sum(metrics, KinesisMetricNames.THROTTLED_CALLS);
        renewals = sum(metrics, KinesisMetricNames.ITERATOR_RENEWALS);
      } finally {
        pipeline.stop();
      }

      List<String> values = sink.records();
      assertThat(values).hasSize(COUNT).doesNotHaveDuplicates();
      assertThat(throttledCalls).as("throttled calls counted").isPositive();
      assertThat(renewals).as("iterator renewals counted").isGreaterThanOrEqualTo(3);
      assertThat(proxy.counters().throttledGetRecordsCalls()).isPositive();
      System.out.printf(
          "KinesisSourceQuotaProxyIT: %d records, %.0f throttled calls counted by the source, %d"
              + " by the proxy, %.0f iterator renewals%n",
          values.size(), throttledCalls, proxy.counters().throttledGetRecordsCalls(), renewals);
    }
  }

  private static double sum(SimpleMeterRegistry metrics, String name) {
    return metrics.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }
}
