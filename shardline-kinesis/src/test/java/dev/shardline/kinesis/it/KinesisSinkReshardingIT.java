package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.SinkWriter;
import dev.shardline.kinesis.sink.KinesisSink;
import dev.shardline.kinesis.sink.KinesisSinkOptions;
import dev.shardline.kinesis.sink.internal.SinkMetrics;
import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.kinesis.Resharding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
      ContinuousWriter writer;
      try (SinkWriter<String> sinkWriter = sink.createWriter(SinkTests.context(metrics, null))) {
        writer = new ContinuousWriter(sinkWriter, KEYS, 0);
        try {
          writer.awaitMore(1_000);
          Resharding.scaleTo(kinesis, STREAM, 4);
          writer.awaitMore(1_000);
          List<Shard> open = Resharding.openShards(kinesis, STREAM);
          assertThat(open).hasSize(4);
          Resharding.merge(kinesis, STREAM, open.get(1), open.get(2));
          writer.awaitMore(1_000);
        } finally {
          writer.stop();
        }
      }
      writer.assertFinished();

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
      assertThat(read).hasSize(writer.written());
      assertThat(shardsSeen.keySet()).as("records in parents and children").hasSizeGreaterThan(4);
      assertThat(metrics.get(SinkMetrics.SHARD_MAP_REFRESHES).counter().count())
          .as("listings: at start, and after each change")
          .isGreaterThanOrEqualTo(3);
      System.out.printf(
          "KinesisSinkReshardingIT: %d records, per shard %s%n", writer.written(), shardsSeen);
    }
  }
}
