package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.SinkWriter;
import dev.shardline.kinesis.aggregation.RecordDeaggregator;
import dev.shardline.kinesis.aggregation.UserRecord;
import dev.shardline.kinesis.sink.KinesisSink;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.junit.LocalKinesaliteExtension;
import dev.shardline.testkit.kinesis.LocalKinesalite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * KPL aggregation end to end on kinesalite: what the sink writes with aggregation on is read back
 * record for record, in per-key order, by the KPL de-aggregator on the raw Kinesis records and by
 * Shardline's Kinesis source in a pipeline.
 */
class KinesisSinkAggregationIT {
  private static final String STREAM = "aggregated";
  private static final int KEYS = 100;
  private static final int COUNT = 20_000;

  @RegisterExtension
  static final LocalKinesaliteExtension KINESALITE =
      new LocalKinesaliteExtension(LocalKinesalite.builder().initialStream(STREAM, 2));

  @TempDir Path dir;

  @Test
  void aggregatedRecordsReadBackInOrderThroughTheDeaggregatorAndTheSource() throws Exception {
    KinesisSink<String> sink =
        SinkTests.stringSink(KINESALITE.get(), STREAM, false)
            .aggregation(true)
            .shardRate(false)
            .build();
    try (SinkWriter<String> writer =
        sink.createWriter(SinkTests.context(new SimpleMeterRegistry(), null))) {
      for (int i = 0; i < COUNT; i++) {
        writer.write("key-" + (i % KEYS) + ":" + i);
      }
      writer.flush();
    }

    // the raw Kinesis records: KPL aggregates, each in the shard of every key inside it
    List<SinkTests.Read> raw = SinkTests.readAll(KINESALITE.get().client(), STREAM);
    assertThat(raw.size()).isLessThan(COUNT / 50);
    List<String> deaggregated = new ArrayList<>();
    Map<String, String> shardOfKey = new HashMap<>();
    for (SinkTests.Read record : raw) {
      List<UserRecord> users = RecordDeaggregator.deaggregate(record.data()).orElseThrow();
      for (UserRecord user : users) {
        assertThat(shardOfKey.computeIfAbsent(user.partitionKey(), k -> record.shardId()))
            .isEqualTo(record.shardId());
        deaggregated.add(new String(user.data(), UTF_8));
      }
    }
    assertInOrderAndComplete(deaggregated);

    // the same through the Kinesis source
    CollectingSink<KinesisRecord<byte[]>, String> collected =
        new CollectingSink<>(r -> r.partitionKey() + "|" + new String(r.value(), UTF_8));
    Pipeline pipeline =
        Pipeline.from(
                Sources.at(KINESALITE.get(), STREAM, false)
                    .startingPosition(StartingPosition.earliest())
                    .build())
            .to(collected)
            .name("aggregation-read")
            .checkpointDirectory(dir.resolve("checkpoints"))
            .checkpointInterval(Duration.ofSeconds(1))
            .restartPolicy(RestartPolicy.none())
            .build();
    pipeline.start();
    try {
      Await.until(
          Duration.ofSeconds(60),
          () -> collected.size() >= COUNT || pipeline.isDone(),
          () -> collected.size() + " of " + COUNT + " read");
    } finally {
      pipeline.stop();
    }
    List<String> values = new ArrayList<>();
    for (String record : collected.records()) {
      String[] parts = record.split("\\|");
      assertThat(parts[1]).startsWith(parts[0] + ":");
      values.add(parts[1]);
    }
    assertInOrderAndComplete(values);
  }

  private static void assertInOrderAndComplete(List<String> values) {
    assertThat(values).hasSize(COUNT).doesNotHaveDuplicates();
    Map<String, Integer> last = new HashMap<>();
    for (String value : values) {
      String[] parts = value.split(":");
      int n = Integer.parseInt(parts[1]);
      assertThat(n).as(value).isGreaterThan(last.getOrDefault(parts[0], -1));
      last.put(parts[0], n);
    }
  }
}
