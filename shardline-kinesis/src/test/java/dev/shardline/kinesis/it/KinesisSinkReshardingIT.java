package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.SinkWriter;
import dev.shardline.kinesis.sink.KinesisSink;
import dev.shardline.kinesis.sink.KinesisSinkOptions;
import dev.shardline.kinesis.sink.internal.SinkMetrics;
import dev.shardline.testkit.kinesis.LocalKinesis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Resharding under load on kinesis-local: the sink writes 20 keys continuously while the stream
 * goes from 2 to 4 shards (UpdateShardCount splits both) and then to 3 (two merged). The sink
 * learns the new shards (Kinesis reports records in shards it did not predict) and keeps writing;
 * read back parent before child, every key's records are in order and none is missing.
 */
class KinesisSinkReshardingIT {
  private static final String STREAM = "reshard";
  private static final int KEYS = 20;

  @Test
  void splitsAndMergesWhileWritingKeepEveryKeysOrder() throws Exception {
    try (LocalKinesis kinesis =
        LocalKinesis.builder()
            .initialStream(STREAM, 2)
            .updateShardCountDuration(Duration.ofMillis(300))
            .mergeShardsDuration(Duration.ofMillis(300))
            .start()) {
      KinesisSink<String> sink =
          SinkTests.stringSink(kinesis, STREAM, true)
              .flushMaxAge(Duration.ofMillis(50))
              .option(KinesisSinkOptions.FLUSH_MAX_RECORDS, 100)
              .maxOutstandingRecords(200)
              .build();
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger written = new AtomicInteger();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread writer;
      try (SinkWriter<String> sinkWriter = sink.createWriter(SinkTests.context(metrics, null))) {
        writer =
            new Thread(
                () -> {
                  try {
                    for (int n = 0; writing.get(); n++) {
                      sinkWriter.write("key-" + (n % KEYS) + ":" + n);
                      written.incrementAndGet();
                    }
                    sinkWriter.flush();
                  } catch (Throwable t) {
                    failure.set(t);
                  }
                },
                "sink-writer");
        writer.start();
        try {
          KinesisClient client = kinesis.client();

          awaitWritten(written, 1_000, failure);
          client.updateShardCount(
              b ->
                  b.streamName(STREAM)
                      .targetShardCount(4)
                      .scalingType(ScalingType.UNIFORM_SCALING));
          kinesis.waitForActive(STREAM);
          awaitWritten(written, written.get() + 1_000, failure);
          List<Shard> open = openShards(client);
          assertThat(open).hasSize(4);
          client.mergeShards(
              b ->
                  b.streamName(STREAM)
                      .shardToMerge(open.get(1).shardId())
                      .adjacentShardToMerge(open.get(2).shardId()));
          kinesis.waitForActive(STREAM);
          awaitWritten(written, written.get() + 1_000, failure);
        } finally {
          // also when an assertion failed: the writer must not outlive the sink and the server
          writing.set(false);
          writer.join(60_000);
        }
        assertThat(writer.isAlive()).as("the writer finished its flush").isFalse();
      }
      assertThat(failure.get()).as("the writer's failure").isNull();

      List<SinkTests.Read> read = SinkTests.readAll(kinesis.client(), STREAM);
      Map<String, Integer> last = new HashMap<>();
      Map<String, Integer> shardsSeen = new HashMap<>();
      for (SinkTests.Read record : read) {
        String[] parts = new String(record.data(), UTF_8).split(":");
        int n = Integer.parseInt(parts[1]);
        assertThat(n)
            .as("%s in %s after %s", n, record.shardId(), last.get(parts[0]))
            .isGreaterThan(last.getOrDefault(parts[0], -1));
        last.put(parts[0], n);
        shardsSeen.merge(record.shardId(), 1, Integer::sum);
      }
      assertThat(read).hasSize(written.get());
      assertThat(shardsSeen.keySet()).as("records in parents and children").hasSizeGreaterThan(4);
      assertThat(metrics.get(SinkMetrics.SHARD_MAP_REFRESHES).counter().count())
          .as("listings: at start, and after each change")
          .isGreaterThanOrEqualTo(3);
      System.out.printf(
          "KinesisSinkReshardingIT: %d records, per shard %s%n", written.get(), shardsSeen);
    }
  }

  private static List<Shard> openShards(KinesisClient client) {
    List<Shard> all = client.listShards(b -> b.streamName(STREAM)).shards();
    java.util.Set<String> parents = new java.util.HashSet<>();
    for (Shard shard : all) {
      if (shard.parentShardId() != null) {
        parents.add(shard.parentShardId());
      }
      if (shard.adjacentParentShardId() != null) {
        parents.add(shard.adjacentParentShardId());
      }
    }
    return all.stream()
        .filter(s -> !parents.contains(s.shardId()))
        .sorted(java.util.Comparator.comparing(Shard::shardId))
        .toList();
  }

  private static void awaitWritten(
      AtomicInteger written, int count, AtomicReference<Throwable> failure)
      throws InterruptedException {
    Await.until(
        Duration.ofSeconds(60),
        () -> written.get() >= count || failure.get() != null,
        () -> written.get() + " of " + count + " written");
    assertThat(failure.get()).as("the writer's failure").isNull();
  }
}
